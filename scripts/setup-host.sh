#!/usr/bin/env bash
# Prepares a fresh Debian machine (as root) for building, running and testing: installs what is
# missing, starts a Docker engine if none answers, and installs the workspace's dependencies from the
# lockfile. Safe to run again: every step checks before it acts.
set -euo pipefail

need_apt=()
have() { command -v "$1" >/dev/null 2>&1; }
have dockerd || need_apt+=(docker.io)
have iptables || need_apt+=(iptables)
[ -x /bin/busybox ] || need_apt+=(busybox-static)
have rpmbuild || need_apt+=(rpm)
have rpm2cpio || need_apt+=(rpm2cpio)
have cpio || need_apt+=(cpio)
have ip || need_apt+=(iproute2)
have systemd-analyze || need_apt+=(systemd)
have docker-registry || need_apt+=(docker-registry)
have make || need_apt+=(make)
have curl || need_apt+=(curl)
have strip || need_apt+=(binutils)
have patchelf || need_apt+=(patchelf)
have man || need_apt+=(man-db)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing ${need_apt[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

if ! have node || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
  echo "setup: Node.js 20 or newer is required" >&2
  exit 1
fi
if ! have pnpm; then
  echo "setup: installing pnpm"
  npm install -g --silent "pnpm@$(node -p 'require("./package.json").packageManager.split("@")[1]')"
fi

if ! docker info >/dev/null 2>&1; then
  echo "setup: starting dockerd"
  mkdir -p /var/log
  (nohup dockerd >/var/log/dockerd.log 2>&1 &)
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && break
    sleep 1
  done
  docker info >/dev/null 2>&1 || { echo "setup: dockerd did not start; see /var/log/dockerd.log" >&2; exit 1; }
fi

pnpm install --frozen-lockfile --reporter=silent
echo "setup: ready (docker $(docker version --format '{{.Server.Version}}'), node $(node --version), pnpm $(pnpm --version))"
