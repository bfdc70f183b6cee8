# Build, test and package the TypeScript ecs-init and agent. Targets keep the names of upstream's
# Makefile (get-deps, generate, rpm, rpm-in-docker, clean) with their TypeScript meaning.
SHELL := /bin/bash
VERSION := $(shell cat VERSION)

.PHONY: all setup get-deps generate build test check clean

all: build

# Dev dependencies: everything comes from the committed pnpm lockfile.
get-deps:
	pnpm install --frozen-lockfile

# Upstream generates gomock mocks here. Our seams are TypeScript interfaces with hand-written fakes
# in the tests, so there is nothing to generate.
generate:
	@echo "nothing to generate: test fakes implement the TypeScript interfaces directly"

build:
	pnpm -r --filter './packages/*' run build

test: build
	pnpm typecheck
	pnpm test

# Installs what a fresh Debian machine lacks (Docker engine, iptables, rpm tools, pnpm) and starts dockerd.
setup:
	./scripts/setup-host.sh

# The whole suite from a fresh machine: the README's test command, and what .ci/run calls.
check: setup test

clean:
	rm -rf packages/*/dist rpm/BUILD rpm/BUILDROOT rpm/RPMS rpm/SRPMS rpm/SOURCES rpm/SPECS build
