#!/usr/bin/env bash
# Measures the gateway under load on the SQuAD half corpus (docs/benchmarks.md, "The gateway"):
# cache misses and hits over REST and gRPC at a fixed rate, the most a closed loop sustains,
# and the CPU an answered query costs against a plain BM25 search of the same query.
# Usage: tools/measure-gateway.sh [DATA_DIR]   (default ../shared/data); needs a Release build
# (`make build`) and redis-server. Starts its own cluster on the default ports and stops it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${1:-${SEARCH_DATA_DIR:-../shared/data}}"
squad="$data/squad-v1.1-dev/dev-v1.1-half.json.gz"
out=".data/gateway-bench"
rate="${RATE:-50}"
duration="${DURATION:-30s}"
mkdir -p "$out"
rm -rf "$out/index"

. tools/cluster.sh
trap stop_cluster EXIT
start_cluster "$out/index" "$out/cluster.log"

key=$(ingest_key)
dotnet tools/Search.Cli/bin/Release/net10.0/Search.Cli.dll ingest "$squad" --format squad --api-key "$key" | tail -3

tick=$(getconf CLK_TCK)
# CPU seconds (user + system) of the five services and the cache's redis-server so far.
cpu() {
  local total=0 pid
  for pid in $(pgrep -f 'Search\.(Router|Retrieval|Rerank|Answer|Gateway)\.dll|redis-server .*6390'); do
    total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
  done
  echo "scale=3; $total / $tick" | bc
}
load() {
  local name=$1; shift
  local before after
  before=$(cpu)
  dotnet tools/Search.LoadTest/bin/Release/net10.0/Search.LoadTest.dll --queries "$squad" --seed 1 \
    --out "$out/$name.json" --plot "$out/$name.png" "$@" 2>/dev/null | tail -1 | sed "s/^/$name: /"
  after=$(cpu)
  python3 - "$out/$name.json" "$before" "$after" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
requests = report["warmup_requests"] + report["completed"]
cpu = float(sys.argv[3]) - float(sys.argv[2])
print(f"  cpu_ms_per_request={1000 * cpu / requests:.2f} ({cpu:.1f} s CPU over {requests} requests) answer_box_rate={report['answer_box_rate']:.3f}")
PY
}

# Steady state, not start-up: JIT, the index pages and every stage's code paths warm on the same
# questions, then the cache is emptied so the first measured run is all misses again.
load warm-up --target http://127.0.0.1:8081 --protocol grpc --concurrency 4 --duration 20s --warmup 0s >/dev/null
flush_cache; load rest-miss --target http://127.0.0.1:8080 --protocol rest --rate "$rate" --duration "$duration"
load rest-hit --target http://127.0.0.1:8080 --protocol rest --rate "$rate" --duration "$duration"
flush_cache; load grpc-miss --target http://127.0.0.1:8081 --protocol grpc --rate "$rate" --duration "$duration"
load grpc-hit --target http://127.0.0.1:8081 --protocol grpc --rate "$rate" --duration "$duration"
flush_cache; load grpc-retrieve --target http://127.0.0.1:8081 --protocol grpc --call retrieve --k 10 --rate "$rate" --duration "$duration"
flush_cache; load max-miss --target http://127.0.0.1:8081 --protocol grpc --concurrency 8 --duration 20s
load max-hit --target http://127.0.0.1:8081 --protocol grpc --concurrency 8 --duration 20s --repeat 0.99
flush_cache; load max-retrieve --target http://127.0.0.1:8081 --protocol grpc --call retrieve --k 10 --concurrency 8 --duration 20s
