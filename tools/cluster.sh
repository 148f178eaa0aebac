# Sourced by the tools/measure-*.sh scripts: the local cluster on the default ports, started and stopped around a
# measurement. Needs a Release build (`make build`); run from the repository root.
#   start_cluster INDEX_DIR LOG [LAUNCHER ARGS...]   starts it on INDEX_DIR (no demo corpus), returns once all five
#                                                    services are ready; exits with the log if the launcher dies
#   stop_cluster                                     stops it (the scripts call it on exit)
#   ingest_key                                       prints the local cluster's ingest key
#   flush_cache                                      empties the answer cache (Redis has a password of this run
#                                                    only: read from the gateway's environment)
launcher=""

start_cluster() {
  local index=$1 log=$2
  shift 2
  dotnet tools/Search.Launcher/bin/Release/net10.0/Search.Launcher.dll --no-demo --data-dir "$index" "$@" >"$log" 2>&1 &
  launcher=$!
  until grep -qs "Ctrl-C stops every service" "$log"; do
    kill -0 "$launcher" 2>/dev/null || { cat "$log"; exit 1; }
    sleep 0.2
  done
}

stop_cluster() {
  if [ -n "$launcher" ]; then
    kill -TERM "$launcher" 2>/dev/null && wait "$launcher" 2>/dev/null || true
  fi
  launcher=""
}

ingest_key() {
  sed -n 's/.*"IngestApiKey": *"\([^"]*\)".*/\1/p' tools/Search.Hosting/local-cluster.json
}

flush_cache() {
  local gateway auth
  gateway=$(pgrep -P "$launcher" -f 'Search\.Gateway\.dll' | head -1)
  auth=$(tr '\0' '\n' <"/proc/$gateway/environ" | sed -n 's/^Gateway__Cache__Redis=.*password=\([^,]*\).*/\1/p')
  [ "$(REDISCLI_AUTH="$auth" redis-cli -p 6390 FLUSHALL)" = OK ] || { echo "could not empty the answer cache" >&2; exit 1; }
}
