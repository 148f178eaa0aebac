# The two commands of the README: `make run` and `make test`.
CONFIGURATION ?= Release
DOTNET ?= dotnet
GATEWAY ?= http://127.0.0.1:8081
# The local cluster's ingest key, read from the gateway's development configuration (CLI `ingest` sends it).
SEARCH_API_KEY ?= $(shell sed -n 's/.*"IngestApiKey": *"\([^"]*\)".*/\1/p' tools/Search.Hosting/local-cluster.json)
export SEARCH_API_KEY
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: build run test images up down kube-up kube-down ask cli clean-index help

help:
	@echo "make run     build and start the five services, ingest the demo corpus, serve http://127.0.0.1:8080/"
	@echo "make test    build and run every test (unit, in-process gRPC, whole cluster)"
	@echo "make images  build the five container images localhost/search-<service> (deploy/README.md)"
	@echo "make up      the cluster in containers: page and API on http://127.0.0.1:18080/ (make down stops it)"
	@echo "make kube-up k8s/overlays/local under podman kube play: page and API on http://127.0.0.1:28080/ (make kube-down)"
	@echo "make ask Q='Who developed general relativity?'   ask the running cluster from the CLI"
	@echo "make cli ARGS='eval squad --file ../shared/data/squad-v1.1-dev/dev-v1.1-half.json.gz --limit 200'"
	@echo "make clean-index   delete the local index (.data/index)"

build:
	$(DOTNET) build Search.sln -c $(CONFIGURATION) -v quiet -nologo

run: build
	@tools/install-deps.sh run
	$(DOTNET) run --no-build -c $(CONFIGURATION) --project tools/Search.Launcher -- $(ARGS)

# The image tests (tests/Search.Deploy.Tests, ImageTests) run the images: `make test` brings them up to date first
# (seconds when nothing changed; without podman on a developer's machine it says so and the tests skip).
test: build
	@tools/install-deps.sh test
	@if command -v podman >/dev/null 2>&1; then deploy/build-images.sh; fi
	$(DOTNET) test --solution Search.sln -c $(CONFIGURATION) --no-build --filter-not-trait Category=Tuning

images:
	@tools/install-deps.sh images
	deploy/build-images.sh

up: images
	deploy/up.sh

down:
	deploy/down.sh

kube-up:
	@tools/install-deps.sh kube
	deploy/build-images.sh
	deploy/kube-play.sh up

kube-down:
	deploy/kube-play.sh down

ask:
	@$(DOTNET) run -c $(CONFIGURATION) --project tools/Search.Cli -- --gateway $(GATEWAY) ask "$(Q)"

cli:
	@$(DOTNET) run -c $(CONFIGURATION) --project tools/Search.Cli -- --gateway $(GATEWAY) $(ARGS)

clean-index:
	rm -rf .data/index
