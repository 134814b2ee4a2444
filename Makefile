# fleettickets: build and test entry points. `make help` lists them.
.DEFAULT_GOAL := help
.PHONY: help deps build test demo bench clean

help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z]+:.*## / {printf "  make %-6s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

deps: ## install missing system packages (PostgreSQL 15, PostGIS, pgTAP, pg_prove, plpgsql_check, Maven, JDK 17); needs root
	@scripts/deps

build: ## build java-runner/target/fleettickets.jar
	cd java-runner && mvn -B -q package -DskipTests

test: deps ## run all tests (Java and pgTAP via JUnit, then pg_prove) on a throwaway cluster
	scripts/test

demo: deps build ## run the demo (scripts/demo)
	scripts/demo

bench: deps build ## run the benchmarks (scripts/bench; scripts/bench-map: the map's first render in headless Chromium)
	scripts/bench
	scripts/bench-map

clean: ## remove build output
	rm -rf java-runner/target
