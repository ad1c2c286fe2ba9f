# Reconciler — the two commands are `make run` and `make test`.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= config-samples
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: build run test bench crds deps clean

build:
	$(DOTNET) publish operator/Reconciler.Cli -c Release -o bin --nologo -v quiet
	@echo "built ./bin/reconciler"

run:
	$(DOTNET) run --project operator/Reconciler.Cli -c Release -- run --config $(CONFIG)

# Installs what the tests need, then runs every test project.
test: deps
	$(DOTNET) build Reconciler.sln -c Release --nologo -v quiet
	$(DOTNET) test Reconciler.sln -c Release --no-build --nologo -v quiet

deps:
	@true

bench:
	$(DOTNET) run --project tests/Reconciler.Benchmarks -c Release -- $(BENCH_ARGS)

crds:
	$(DOTNET) run --project operator/Reconciler.Cli -c Release -- crds --out crds

clean:
	rm -rf bin artifacts */*/bin */*/obj
