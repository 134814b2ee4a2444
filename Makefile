# fleettickets: build and test entry points. `make help` lists them.
.DEFAULT_GOAL := help
.PHONY: help deps build lint test demo bench clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z]+:.*## / {printf "  make %-6s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

deps: ## install missing system packages (PostgreSQL 15, PostGIS, pgTAP, pg_prove, plpgsql_check, Maven, JDK 17, shellcheck, npm); needs root
	@scripts/deps

build: ## build java-runner/target/fleettickets.jar
	cd java-runner && mvn -B -q package -DskipTests

lint: deps ## the Dockerfile through dockerfilelint, the shell scripts through shellcheck
	scripts/lint

test: deps lint ## lint, then all tests (Java and pgTAP via JUnit, pg_prove, run_ingest.sh) on a throwaway cluster
	scripts/test

demo: deps build ## run the demo (scripts/demo)
	scripts/demo

bench: deps build ## run the benchmarks (scripts/bench; scripts/bench-map: the map's first render in headless Chromium)
	scripts/bench
	scripts/bench-map

clean: ## remove build output
	rm -rf java-runner/target
