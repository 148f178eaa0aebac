// Turns a rendered overlay (kubectl kustomize, on stdin) into what `podman kube play` 4.3 can run, one file per
// workload in the directory given by --out, and prints one line per file: "<file> <alias>,<alias>…", the
// names of the Services that select the workload (deploy/kube-play.sh joins each pod to the network under them).
// What podman 4.3 does differently from a kubelet, and what this changes for it:
//   - Services are ignored: every pod joins one podman network with its Services' names as DNS aliases.
//   - StatefulSets are not played: each becomes a Deployment of one with a PersistentVolumeClaim (a podman volume)
//     per volumeClaimTemplate, named as Kubernetes names it (<template>-<statefulset>-0).
//   - Secrets are stored YAML and then read as JSON (secretKeyRef fails), and $(VAR) in env values and args is not
//     expanded: the Secrets' values are resolved into the containers' env here and $(VAR) is expanded as the
//     kubelet does.
//   - emptyDir and ConfigMap volumes become podman volumes named after the volume or the ConfigMap, shared by
//     every pod that names one alike: both get the workload's name in front.
//   - Every containerPort is bound on the host's port of the same number (the local cluster's ports): the ports
//     are left out but for those --publish <workload>/<port name>=<host port> names, bound on 127.0.0.1.
// Every name is prefixed with --prefix, so two clusters can run side by side; --existing names the volumes that
// exist already (their claims are left out). Namespaces, Ingresses and
// NetworkPolicies have no podman counterpart and are left out (listed on stderr).
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { parseArgs } from "node:util";

// The yaml package of the offline schema check (tools/install-deps.sh test installs it).
const require = createRequire(new URL("../tools/k8s-schema/package.json", import.meta.url));
const { parseAllDocuments, stringify } = require("yaml");

const { values: options } = parseArgs({
  options: {
    prefix: { type: "string" },
    out: { type: "string" },
    publish: { type: "string", multiple: true, default: [] },
    existing: { type: "string", multiple: true, default: [] },
  },
});
if (!options.prefix || !options.out) {
  console.error("usage: node deploy/kube-play.mjs --prefix NAME --out DIR [--publish WORKLOAD/PORT=HOSTPORT]… [--existing VOLUME]… < rendered.yaml");
  process.exit(2);
}
const prefix = options.prefix;

const objects = parseAllDocuments(readFileSync(0, "utf8")).map((d) => d.toJS()).filter(Boolean);
const ofKind = (kind) => objects.filter((o) => o.kind === kind);

const configMaps = new Map(ofKind("ConfigMap").map((c) => [c.metadata.name, c]));
const secrets = new Map(ofKind("Secret").map((s) => [s.metadata.name, decodeSecret(s)]));
const workloads = [...ofKind("Deployment"), ...ofKind("StatefulSet")];
const played = new Set(["ConfigMap", "Secret", "Service", "Deployment", "StatefulSet"]);
const left = objects.filter((o) => !played.has(o.kind)).map((o) => `${o.kind}/${o.metadata.name}`);
if (left.length) console.error(`not played (podman has no counterpart): ${left.join(", ")}`);

const publish = options.publish.map((p) => {
  const match = /^([^/]+)\/([^=]+)=(\d+)$/.exec(p);
  if (!match) throw new Error(`--publish ${p}: expected WORKLOAD/PORT=HOSTPORT`);
  return { workload: match[1], port: match[2], hostPort: Number(match[3]) };
});

mkdirSync(options.out, { recursive: true });
for (const workload of workloads) {
  const name = workload.metadata.name;
  const claims = [];
  const deployment = structuredClone(workload);
  const pod = deployment.spec.template.spec;
  deployment.metadata.name = `${prefix}-${name}`;

  if (workload.kind === "StatefulSet") {
    deployment.kind = "Deployment";
    for (const template of workload.spec.volumeClaimTemplates ?? []) {
      const claimName = `${prefix}-${template.metadata.name}-${name}-0`;
      // kube play fails on a claim whose volume exists (a kept index): the pod then mounts the volume as it is.
      if (!options.existing.includes(claimName)) {
        claims.push({ apiVersion: "v1", kind: "PersistentVolumeClaim", metadata: { name: claimName }, spec: template.spec });
      }
      pod.volumes = [...(pod.volumes ?? []), { name: template.metadata.name, persistentVolumeClaim: { claimName } }];
    }
    for (const field of ["serviceName", "volumeClaimTemplates", "podManagementPolicy", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "ordinals"]) {
      delete deployment.spec[field];
    }
  }

  // Volume names that podman turns into named volumes get the workload's name in front.
  const renamed = new Map();
  for (const volume of pod.volumes ?? []) {
    if (volume.emptyDir) {
      renamed.set(volume.name, `${prefix}-${name}-${volume.name}`);
    } else if (volume.configMap) {
      volume.configMap.name = `${prefix}-${name}-${volume.configMap.name}`;
    } else if (!volume.persistentVolumeClaim) {
      throw new Error(`${workload.kind}/${name}: volume ${volume.name} is of a kind this script does not translate`);
    }
  }
  for (const volume of pod.volumes ?? []) volume.name = renamed.get(volume.name) ?? volume.name;

  for (const container of [...(pod.initContainers ?? []), ...pod.containers]) {
    for (const mount of container.volumeMounts ?? []) mount.name = renamed.get(mount.name) ?? mount.name;
    container.env = resolveEnv(container, `${workload.kind}/${name}`);
    delete container.envFrom;
    const variables = new Map(container.env.map((e) => [e.name, e.value]));
    for (const field of ["command", "args"]) {
      if (container[field]) container[field] = container[field].map((a) => expand(a, variables));
    }
    // podman 4.3 binds every containerPort on the host port of the same number: only the published stay.
    container.ports = (container.ports ?? []).flatMap((port) => {
      const published = publish.find((p) => p.workload === name && p.port === port.name);
      return published ? [{ ...port, hostPort: published.hostPort, hostIP: "127.0.0.1" }] : [];
    });
  }

  // The ConfigMaps its volumes mount, under their new names.
  const mounted = (pod.volumes ?? []).filter((v) => v.configMap).map((v) => {
    const original = configMaps.get(v.configMap.name.slice(`${prefix}-${name}-`.length));
    return { ...original, metadata: { name: v.configMap.name } };
  });

  const aliases = ofKind("Service")
    .filter((s) => s.spec.selector && Object.entries(s.spec.selector).every(([k, v]) => workload.spec.template.metadata.labels?.[k] === v))
    .map((s) => s.metadata.name);
  const file = join(options.out, `${name}.yaml`);
  writeFileSync(file, [...mounted, ...claims, deployment].map((o) => stringify(o, { lineWidth: 0 })).join("---\n"));
  console.log(`${file} ${aliases.join(",")}`);
}

function decodeSecret(secret) {
  const data = Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64").toString("utf8")]));
  return { ...data, ...(secret.stringData ?? {}) };
}

// The container's environment as literal values, in the order a kubelet builds it: envFrom first, then env,
// each value's $(VAR) expanded against what came before it.
function resolveEnv(container, owner) {
  const variables = new Map();
  const lookup = (kind, ref) => {
    const source = kind === "configMap" ? configMaps.get(ref.name)?.data : secrets.get(ref.name);
    if (!source || !(ref.key in source)) throw new Error(`${owner}: ${kind} ${ref.name} has no key ${ref.key}`);
    return source[ref.key];
  };
  for (const from of container.envFrom ?? []) {
    const data = from.configMapRef ? configMaps.get(from.configMapRef.name)?.data : secrets.get(from.secretRef?.name);
    if (!data) throw new Error(`${owner}: envFrom ${JSON.stringify(from)} names no object of the overlay`);
    for (const [key, value] of Object.entries(data)) variables.set(`${from.prefix ?? ""}${key}`, value);
  }
  for (const entry of container.env ?? []) {
    let value;
    if (entry.valueFrom?.secretKeyRef) value = lookup("secret", entry.valueFrom.secretKeyRef);
    else if (entry.valueFrom?.configMapKeyRef) value = lookup("configMap", entry.valueFrom.configMapKeyRef);
    else if (entry.valueFrom) throw new Error(`${owner}: env ${entry.name} comes from ${Object.keys(entry.valueFrom)}, which this script does not resolve`);
    else value = expand(entry.value ?? "", variables);
    variables.set(entry.name, value);
  }
  return [...variables].map(([name, value]) => ({ name, value }));
}

// Kubernetes' $(VAR) expansion: a defined variable is replaced, $$ is a literal $, anything else stays as written.
function expand(text, variables) {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (whole, name) =>
    whole === "$$" ? "$" : variables.has(name) ? variables.get(name) : whole);
}
