#!/usr/bin/env bash
# The README's run command until the agent lands: amazon-ecs-init on its own, with a stand-in agent
# image. Host paths live under a scratch root so the machine's /etc/ecs and /var/cache/ecs stay as
# they were; the sysctl and iptables changes are real and post-stop removes them again.
set -euo pipefail
cd "$(dirname "$0")/.."

root=${ECS_DEMO_ROOT:-/var/tmp/fractal-ecs-demo}
image=fractal-ecs/stand-in-agent:latest
container=ecs-agent-demo
init=packages/init/dist/amazon-ecs-init
export ECS_INIT_HOST_ROOT=$root ECS_INIT_AGENT_IMAGE=$image ECS_INIT_AGENT_CONTAINER_NAME=$container

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
fail() { printf '\n\033[31mdemo failed: %s\033[0m\n' "$*" >&2; exit 1; }

step "building the stand-in agent image (busybox; logs its environment, exits 0 on SIGTERM)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rootfs/bin"
cp /bin/busybox "$work/rootfs/bin/busybox"
ln -s busybox "$work/rootfs/bin/sh"
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
docker rm -f "$container" >/dev/null 2>&1 || true
docker rmi -f "$image" >/dev/null 2>&1 || true
docker import --change 'CMD ["/bin/sh","-c","echo stand-in agent up; /bin/busybox env | /bin/busybox grep ^ECS_ | /bin/busybox sort; trap \"echo stopping; exit 0\" TERM; while :; do /bin/busybox sleep 1; done"]' \
  "$work/rootfs.tar" "$image" >/dev/null
mkdir -p "$root/var/cache/ecs" "$root/etc/ecs"
docker save -o "$root/var/cache/ecs/ecs-agent.tar" "$image"
docker rmi -f "$image" >/dev/null
echo 2 > "$root/var/cache/ecs/state"
printf 'ECS_CLUSTER=demo\nECS_AGENT_LABELS={"demo.fractal-ecs":"true"}\n' > "$root/etc/ecs/ecs.config"
echo "cached tarball: $root/var/cache/ecs/ecs-agent.tar (state 2: the first pre-start loads it)"

step "amazon-ecs-init pre-start"
"$init" pre-start || fail "pre-start exited $?"
echo "cache state now: $(cat "$root/var/cache/ecs/state")"
iptables -t nat -S | grep -E '169.254.170.2' || fail "credentials proxy rules missing"

step "amazon-ecs-init start (in the background; it supervises the agent container)"
"$init" start &
start_pid=$!
for _ in $(seq 1 30); do
  [ "$(docker inspect -f '{{.State.Running}}' "$container" 2>/dev/null)" = true ] && break
  sleep 0.5
done
[ "$(docker inspect -f '{{.State.Running}}' "$container" 2>/dev/null)" = true ] || fail "agent container is not running"
sleep 1
docker ps --filter "name=^/$container\$" --format 'container {{.Names}} ({{.Image}}): {{.Status}}'
echo "labels: $(docker inspect -f '{{json .Config.Labels}}' "$container")"
docker logs "$container" 2>&1 | sed 's/^/  agent| /'

step "amazon-ecs-init stop"
"$init" stop || fail "stop exited $?"
start_status=0
wait "$start_pid" || start_status=$?
echo "start exited with $start_status (0: the agent stopped cleanly)"
[ "$start_status" = 0 ] || fail "start exited $start_status"

step "amazon-ecs-init post-stop"
"$init" post-stop || fail "post-stop exited $?"
if iptables -t nat -S | grep -q '169.254.170.2'; then fail "credentials proxy rules left behind"; fi
echo "iptables rules removed; log: $root/var/log/ecs/ecs-init.log"

docker rm -f "$container" >/dev/null 2>&1 || true
printf '\n\033[32mdemo succeeded\033[0m\n'
