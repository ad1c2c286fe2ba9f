# Reconciler — the two commands are `make run` and `make test`.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= config-samples
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: build run test bench crds deps clean

# Ready-to-run code: a command starts in a fraction of the time it would spend compiling itself first.
build:
	$(DOTNET) publish operator/Reconciler.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o bin --nologo -v quiet
	@echo "built ./bin/reconciler"

run: build
	bin/reconciler run --config $(CONFIG)

# Installs what the tests need, then runs every test project.
test: deps
	$(DOTNET) build Reconciler.sln -c Release --nologo -v quiet
	@set -o pipefail; $(DOTNET) test Reconciler.sln -c Release --no-build --nologo -v quiet 2>&1 | awk '{ print } \
	  /(Passed|Failed)! +-/ { for (i = 1; i <= NF; i++) { if ($$i == "Failed:") f += $$(i+1); if ($$i == "Passed:") p += $$(i+1) } } \
	  END { printf "tests: %d passed, %d failed\n", p, f }'

# Nothing beyond the .NET SDK yet: SQLite is embedded and Kestrel ships with ASP.NET Core.
# Directory servers (slapd, samba) join here with their connectors.
deps:
	@command -v $(DOTNET) >/dev/null || { echo "the .NET SDK 10 is required (dotnet not on PATH)"; exit 1; }

# Measures the published binary (hence build first) and the in-process benches; flags in
# tests/Reconciler.Benchmarks/Program.cs, e.g. BENCH_ARGS="--suite e2e --e2e-users 50000 --e2e-large 200000".
bench: build
	$(DOTNET) run --project tests/Reconciler.Benchmarks -c Release -- $(BENCH_ARGS)

crds:
	$(DOTNET) run --project operator/Reconciler.Cli -c Release -- crds --out crds

clean:
	rm -rf bin artifacts */*/bin */*/obj
