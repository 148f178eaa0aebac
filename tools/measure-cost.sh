#!/usr/bin/env bash
# Measures what a query costs in CPU (docs/benchmarks.md, "What a query costs"), two ways at once:
#   - as the services report it: every response lists each service's CPU (SearchResponse.costs, the
#     Retrieve trailers), and the load harness averages them per response;
#   - as the operating system counts it: each service process's user + system CPU (/proc/PID/stat) over
#     the run, divided by the requests of the run.
# One client at a time (a closed loop of 1), so the per-process figure holds only what those requests
# cost plus the processes' background work. Runs, each on the same queries in the same order (--seed 1):
#   squad-search    SQuAD v1.1 dev half questions through the whole pipeline (answered queries), cache emptied
#   squad-retrieve  the same questions through the gateway's Retrieve (plain BM25 search, k 10)
#   squad-hit       the same questions again through Search: every one a cache hit
#   scifact-search  the 809 SciFact train claims through Search (claims are not questions: no answer stage)
#   scifact-retrieve the same claims through Retrieve (k 10); FTS5 on the same claims is tools/Search.Benchmarks
# Usage: tools/measure-cost.sh [DATA_DIR]. Needs a Release build (`make build`) and redis-server; starts
# its own cluster on the default ports on a fresh index of the SQuAD half and SciFact, and stops it at the
# end. REQUESTS (default 400) caps the SQuAD runs; OUT (default .data/cost) keeps the reports and the index;
# with REUSE_INDEX=1 an index already in OUT is used as it is (ingest takes long: SciFact's vectors);
# CLUSTER_ARGS are settings for the launcher (e.g. --Retrieval:Embeddings:Threads=1).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-${SEARCH_DATA_DIR:-../shared/data}}"
squad="$data/squad-v1.1-dev/dev-v1.1-half.json.gz"
scifact="$data/beir-scifact"
requests="${REQUESTS:-400}"
out="${OUT:-.data/cost}"
load_tool=tools/Search.LoadTest/bin/Release/net10.0/Search.LoadTest.dll
cli=tools/Search.Cli/bin/Release/net10.0/Search.Cli.dll
mkdir -p "$out"
ingest=1
if [ "${REUSE_INDEX:-0}" = 1 ] && [ -d "$out/index" ]; then ingest=0; else rm -rf "$out/index"; fi

. tools/cluster.sh
trap stop_cluster EXIT
# shellcheck disable=SC2086
start_cluster "$out/index" "$out/cluster.log" ${CLUSTER_ARGS:-}

key=$(ingest_key)
if [ $ingest = 1 ]; then
  dotnet "$cli" ingest "$squad" --format squad --api-key "$key" 2>/dev/null | tail -1
  dotnet "$cli" ingest "$scifact/corpus.jsonl.gz" --format beir --api-key "$key" 2>/dev/null | tail -1
fi

# The SciFact claims the FTS5 benchmark times: those with train judgements, one per line (a list of queries, not
# the data set; removed at the end).
claims="$out/scifact-train-claims.txt"
python3 - "$scifact/queries.jsonl" "$scifact/qrels/train.tsv" >"$claims" <<'PY'
import json, sys
judged = {line.split("\t")[0] for line in open(sys.argv[2]) if line[:1].isdigit()}
for line in open(sys.argv[1]):
    query = json.loads(line)
    if query["_id"] in judged:
        print(query["text"].replace("\n", " ").strip())
PY
trap 'rm -f "$claims"; stop_cluster' EXIT

# The launcher's children: name (from the dll) and pid, for this cluster only.
services() {
  local pid name
  for pid in $(pgrep -P $launcher); do
    name=$(tr '\0' ' ' <"/proc/$pid/cmdline" | sed -n 's/.*Search\.\([A-Za-z]*\)\.dll.*/\1/p;s/.*redis-server.*/redis/p' | head -1)
    [ -n "$name" ] && echo "$name $pid"
  done
}
# "name ticks" per service: user + system CPU so far, in clock ticks.
ticks() {
  services | while read -r name pid; do echo "$name $(awk '{print $14 + $15}' "/proc/$pid/stat")"; done
}
load() {
  local name=$1; shift
  ticks >"$out/$name.before"
  dotnet "$load_tool" --seed 1 --warmup 0s --duration 10m --out "$out/$name.json" "$@" 2>/dev/null | tail -1 | sed "s/^/$name: /"
  ticks >"$out/$name.after"
  python3 - "$out/$name" "$(getconf CLK_TCK)" "$(cut -d' ' -f1 /proc/loadavg)" <<'PY'
import json, sys
base, tick, load = sys.argv[1], int(sys.argv[2]), sys.argv[3]
report = json.load(open(base + ".json"))
n = report["warmup_requests"] + report["completed"]
read = lambda f: {l.split()[0]: int(l.split()[1]) for l in open(f)}
before, after = read(base + ".before"), read(base + ".after")
measured = {k: 1000 * (after[k] - before[k]) / tick / n for k in after if k in before}
order = ["Gateway", "Router", "Retrieval", "Rerank", "Answer", "redis"]
print("  /proc ms per request: " + ", ".join(f"{k.lower()} {measured[k]:.2f}" for k in order if k in measured)
      + f", total {sum(measured.values()):.2f} (services without redis {sum(v for k, v in measured.items() if k != 'redis'):.2f})")
reported = report.get("reported_cpu_ms_per_response", {})
print("  reported ms per response: " + ", ".join(f"{k} {v:.2f}" for k, v in reported.items())
      + f"; {n} requests, answer box {report['answer_box_rate']:.3f}, load average {load}")
PY
}

# Steady state: JIT, the index pages and every stage's code paths warm on other questions first.
dotnet "$load_tool" --target http://127.0.0.1:8081 --protocol grpc --concurrency 2 --duration 20s --warmup 0s --queries "$squad" --seed 7 >/dev/null 2>&1
dotnet "$load_tool" --target http://127.0.0.1:8081 --protocol grpc --call retrieve --k 10 --concurrency 2 --duration 10s --warmup 0s --queries "$claims" --seed 7 >/dev/null 2>&1

grpc=(--target http://127.0.0.1:8081 --protocol grpc --concurrency 1)
flush_cache; load squad-search "${grpc[@]}" --queries "$squad" --requests "$requests"
load squad-retrieve "${grpc[@]}" --call retrieve --k 10 --queries "$squad" --requests "$requests"
load squad-hit "${grpc[@]}" --queries "$squad" --requests "$requests"
flush_cache; load scifact-search "${grpc[@]}" --queries "$claims" --requests 809
load scifact-retrieve "${grpc[@]}" --call retrieve --k 10 --queries "$claims" --requests 809
