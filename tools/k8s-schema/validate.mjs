// Checks every object of a multi-document YAML stream (stdin) against the Kubernetes JSON schemas of the npm
// package kubernetes-models: types, required fields and enum values (KubernetesClient's strict reader in
// tests/Search.Deploy.Tests catches unknown fields; this catches a bad enum such as pathType: Prefixes).
// Prints one line per invalid object ("Kind/name: message") and exits 1 if there is any.
// Kinds given as arguments ("elasticsearch.k8s.elastic.co/v1/Elasticsearch") are skipped: operators' CRDs.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const skipped = new Set(process.argv.slice(2));
const problems = [];
for (const document of parseAllDocuments(readFileSync(0, "utf8"))) {
  const object = document.toJS();
  if (!object) continue;
  const { apiVersion, kind } = object;
  const name = `${kind}/${object.metadata?.name ?? "?"}`;
  if (skipped.has(`${apiVersion}/${kind}`)) continue;
  let models;
  try {
    models = await import(`kubernetes-models/${apiVersion.includes("/") ? apiVersion : `v1`}`);
  } catch {
    problems.push(`${name}: no schema for apiVersion ${apiVersion}`);
    continue;
  }
  const Model = models[kind];
  if (!Model) {
    problems.push(`${name}: ${apiVersion} has no kind ${kind}`);
    continue;
  }
  try {
    new Model(object).validate();
  } catch (error) {
    problems.push(`${name}: ${error.message}`);
  }
}

for (const problem of problems) console.log(problem);
process.exit(problems.length ? 1 : 0);
