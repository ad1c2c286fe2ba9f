# Reconciler — the two commands are `make run` and `make test`.
SHELL := /bin/bash
DOTNET ?= dotnet
CONFIG ?= config-samples
export DOTNET_CLI_TELEMETRY_OPTOUT := 1
export DOTNET_NOLOGO := 1

.PHONY: build run test bench crds deps clean demo-ldap

# Ready-to-run code: a command starts in a fraction of the time it would spend compiling itself first.
build:
	$(DOTNET) publish operator/Reconciler.Cli -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o bin --nologo -v quiet
	@echo "built ./bin/reconciler"

run: build
	bin/reconciler run --config $(CONFIG)

# Installs what the tests need, then runs every test project.
test: deps
	$(DOTNET) build Reconciler.sln -c Release --nologo -v quiet
	@set -o pipefail; $(DOTNET) test Reconciler.sln -c Release --no-build --nologo -v quiet --logger "console;verbosity=minimal" 2>&1 | awk '{ print } \
	  /(Passed|Failed)! +-/ { for (i = 1; i <= NF; i++) { if ($$i == "Failed:") f += $$(i+1); if ($$i == "Passed:") p += $$(i+1) } } \
	  END { printf "tests: %d passed, %d failed\n", p, f }'

# Beyond the .NET SDK (SQLite is embedded, Kestrel ships with ASP.NET Core) the LDAP tests run a real OpenLDAP:
# tests/Reconciler.Testing.Directories starts its own slapd and drives ldapsearch/ldapadd/... and openssl, so
# slapd, ldap-utils and openssl are apt-installed when missing (as root, else via sudo). Installing starts no
# daemon the tests rely on: each test server runs on free 127.0.0.1 ports from a temp folder.
deps:
	@command -v $(DOTNET) >/dev/null || { echo "the .NET SDK 10 is required (dotnet not on PATH)"; exit 1; }
	@if ! command -v /usr/sbin/slapd >/dev/null || ! command -v ldapsearch >/dev/null || ! command -v openssl >/dev/null; then \
	  echo "installing slapd, ldap-utils and openssl for the LDAP tests"; \
	  sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$sudo apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends slapd ldap-utils openssl; \
	fi
	@if ! command -v /usr/sbin/samba >/dev/null; then \
	  echo "installing samba for the Active Directory (Samba DC) tests"; \
	  sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	  $$sudo apt-get update -qq && \
	  $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq samba; \
	fi

# Measures the published binary (hence build first) and the in-process benches; flags in
# tests/Reconciler.Benchmarks/Program.cs, e.g. BENCH_ARGS="--suite e2e --e2e-users 50000 --e2e-large 200000".
bench: build
	$(DOTNET) run --project tests/Reconciler.Benchmarks -c Release -- $(BENCH_ARGS)

# A local OpenLDAP with generated people and groups, and examples/ldap applied to it; stays up until Ctrl+C.
demo-ldap: build deps
	$(DOTNET) run --project tests/Reconciler.DemoLdap -c Release -- --examples examples/ldap --out .reconciler/demo-ldap --reconciler bin/reconciler --users 200

crds:
	$(DOTNET) run --project operator/Reconciler.Cli -c Release -- crds --out crds

clean:
	rm -rf bin artifacts */*/bin */*/obj
