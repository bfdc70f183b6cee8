#!/usr/bin/env bash
# The README's first command: the whole instance side against the local control plane, on this
# machine. Builds ecs-init, the agent image tarball and the control plane; starts the control plane;
# runs `amazon-ecs-init pre-start` and `start`, which load the agent image from the cache (state 2,
# as the RPM leaves it) and supervise the agent container; registers a task definition for a small
# web server; runs it and fetches its page through the mapped host port.
#
#   scripts/demo.sh        run (again: it stops what a previous run left first)
#   scripts/demo.sh stop   stop the task, the agent (stop, post-stop) and the control plane
#
# Host paths live under a scratch root (ECS_DEMO_ROOT) so the machine's /etc/ecs and /var/lib/ecs
# stay as they were; the sysctl and iptables changes are real and post-stop removes them again.
set -euo pipefail
cd "$(dirname "$0")/.."

root=${ECS_DEMO_ROOT:-/var/tmp/fractal-ecs}
port=${ECS_DEMO_PORT:-51680}
cluster=demo
region=us-east-1
access_key=AKIAIOSFODNN7EXAMPLE
secret_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
endpoint=http://127.0.0.1:$port
web_image=fractal-ecs/demo-web:latest
family=demo-web
init=packages/init/dist/amazon-ecs-init
control_plane=packages/control-plane/dist/ecs-local-control-plane
cp_dir=$root/control-plane
cp_pid=$cp_dir/pid
init_pid=$root/ecs-init.pid
# ECS_EXTERNAL: this is not an EC2 instance; ecs-init and the agent skip instance metadata (ECS
# Anywhere's mode). systemd hands ecs-init the same file (EnvironmentFile=-/etc/ecs/ecs.config).
export ECS_INIT_HOST_ROOT=$root ECS_EXTERNAL=true

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }
fail() {
  printf '\n\033[31mdemo failed: %s\033[0m\n' "$*" >&2
  printf 'logs: %s/var/log/ecs/ecs-agent.log, %s/var/log/ecs/ecs-init.log, %s/control-plane.log, `docker logs ecs-agent`\n' "$root" "$root" "$cp_dir" >&2
  printf 'stop everything: make stop-demo\n' >&2
  exit 1
}

# An ECS API call, SigV4-signed by curl, to the control plane. Prints the JSON answer.
ecs() {
  local action=$1 body=${2:-'{}'} answer
  answer=$(curl -sS --max-time 10 --aws-sigv4 "aws:amz:$region:ecs" --user "$access_key:$secret_key" \
    -H 'Content-Type: application/x-amz-json-1.1' -H "X-Amz-Target: AmazonEC2ContainerServiceV20141113.$action" \
    --data "$body" -w '\n%{http_code}' "$endpoint/") || return 1
  local code=${answer##*$'\n'}
  answer=${answer%$'\n'*}
  if [ "$code" != 200 ]; then
    echo "$action: HTTP $code: $answer" >&2
    return 1
  fi
  printf '%s' "$answer"
}

# Evaluates a JavaScript expression over the JSON on stdin (bound to `j`); prints its value.
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const j=JSON.parse(s);const v=eval(process.argv[1]);if(v!==undefined)console.log(typeof v==="string"?v:JSON.stringify(v))})' "$1"; }

# Waits up to $1 seconds for the command after it to succeed.
wait_for() {
  local seconds=$1
  shift
  local deadline=$((SECONDS + seconds))
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}

control_plane_up() { curl -sf --max-time 2 "$endpoint/debug/state" >/dev/null; }

stop_all() {
  local quiet=${1:-}
  if control_plane_up; then
    local tasks
    tasks=$(ecs ListTasks "{\"cluster\":\"$cluster\"}" 2>/dev/null | json 'j.taskArns.join(" ")' || true)
    for task in $tasks; do
      ecs StopTask "{\"cluster\":\"$cluster\",\"task\":\"$task\",\"reason\":\"demo stop\"}" >/dev/null 2>&1 || true
      [ -n "$quiet" ] || echo "stopping task $task"
    done
    # Give the agent a moment to stop the task's containers while it still runs.
    [ -z "$tasks" ] || wait_for 30 bash -c '[ -z "$(docker ps -q --filter label=com.amazonaws.ecs.task-definition-family='"$family"')" ]' || true
  fi
  if [ -f "$init_pid" ] || [ -n "$(docker ps -q --filter name=^/ecs-agent$)" ]; then
    [ -n "$quiet" ] || echo "amazon-ecs-init stop"
    "$init" stop >/dev/null 2>&1 || true
    if [ -f "$init_pid" ]; then
      local pid
      pid=$(cat "$init_pid")
      wait_for 30 bash -c "! kill -0 $pid" || kill "$pid" 2>/dev/null || true
      rm -f "$init_pid"
    fi
  fi
  [ -n "$quiet" ] || echo "amazon-ecs-init post-stop"
  "$init" post-stop >/dev/null 2>&1 || true
  if [ -f "$cp_pid" ]; then
    local pid
    pid=$(cat "$cp_pid")
    if kill "$pid" 2>/dev/null; then
      [ -n "$quiet" ] || echo "stopping the local control plane (pid $pid)"
      wait_for 10 bash -c "! kill -0 $pid" || kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$cp_pid"
  fi
  # Task containers the agent could not stop (it was gone first): removed by the demo's own label.
  docker ps -aq --filter label=com.amazonaws.ecs.task-definition-family="$family" | xargs -r docker rm -f >/dev/null
}

if [ "${1:-}" = stop ]; then
  [ -x "$init" ] || { echo "nothing to stop: $init is not built"; exit 0; }
  step "stopping the demo"
  stop_all
  if iptables -t nat -S 2>/dev/null | grep -q '169.254.170.2'; then fail "credentials proxy rules left behind"; fi
  printf '\n\033[32mdemo stopped\033[0m (state kept under %s; remove it for a fresh start)\n' "$root"
  exit 0
fi

[ "$(id -u)" = 0 ] || fail "run as root (ecs-init changes sysctl and iptables and talks to Docker)"
docker info >/dev/null 2>&1 || fail "Docker does not answer: run scripts/setup-host.sh (make setup)"

step "building ecs-init, the agent, the control plane and the agent image (make build release)"
mkdir -p "$root"
make --no-print-directory -s build release >"$root/build.log" 2>&1 || { tail -n 30 "$root/build.log" >&2; fail "build failed (log: $root/build.log)"; }
tarball=$(readlink -f build/release/ecs-agent.tar)
echo "agent image: $tarball ($(du -m "$tarball" | cut -f1) MB)"

if [ -x "$init" ] && { [ -f "$cp_pid" ] || [ -f "$init_pid" ] || [ -n "$(docker ps -q --filter name=^/ecs-agent$)" ]; }; then
  step "stopping what a previous run left"
  stop_all quiet
fi

step "starting the local control plane on $endpoint"
mkdir -p "$cp_dir"
control_plane_up && fail "port $port already answers: another control plane runs there (make stop-demo, or ECS_DEMO_PORT)"
setsid "$control_plane" --port "$port" --data-dir "$cp_dir/data" --region "$region" \
  --access-key-id "$access_key" --secret-access-key "$secret_key" >"$cp_dir/control-plane.log" 2>&1 </dev/null &
echo $! >"$cp_pid"
wait_for 20 control_plane_up || { tail -n 20 "$cp_dir/control-plane.log" >&2; fail "the control plane did not answer on $endpoint"; }
echo "listening (pid $(cat "$cp_pid"), data $cp_dir/data, log $cp_dir/control-plane.log)"
ecs CreateCluster "{\"clusterName\":\"$cluster\"}" >/dev/null || fail "CreateCluster failed"

step "writing $root/etc/ecs/ecs.config and caching the agent image (state 2, as the RPM leaves it)"
mkdir -p "$root/etc/ecs" "$root/var/cache/ecs"
cat >"$root/etc/ecs/ecs.config" <<EOF
ECS_CLUSTER=$cluster
ECS_BACKEND_HOST=$endpoint
AWS_ACCESS_KEY_ID=$access_key
AWS_SECRET_ACCESS_KEY=$secret_key
AWS_DEFAULT_REGION=$region
ECS_EXTERNAL=true
ECS_IMAGE_PULL_BEHAVIOR=prefer-cached
ECS_LOGLEVEL=info
EOF
sed 's/^AWS_SECRET_ACCESS_KEY=.*/AWS_SECRET_ACCESS_KEY=.../; s/^/  /' "$root/etc/ecs/ecs.config"
cp "$tarball" "$root/var/cache/ecs/ecs-agent.tar"
echo 2 >"$root/var/cache/ecs/state"

step "amazon-ecs-init pre-start (loads the agent image, sysctl, credentials proxy rules)"
"$init" pre-start >"$root/pre-start.log" 2>&1 || { tail -n 20 "$root/pre-start.log" >&2; fail "pre-start failed"; }
echo "agent image loaded: $(docker image inspect -f '{{.Id}}' amazon/amazon-ecs-agent:latest | cut -c8-19); cache state $(cat "$root/var/cache/ecs/state")"
iptables -t nat -S | grep -q 169.254.170.2 || fail "credentials proxy rules missing after pre-start"
echo "credentials proxy rules: $(iptables -t nat -S | grep -c 169.254.170.2) in the nat table"

step "amazon-ecs-init start (in the background; it supervises the agent container)"
setsid "$init" start >>"$root/start.log" 2>&1 </dev/null &
echo $! >"$init_pid"
wait_for 60 bash -c '[ "$(docker inspect -f "{{.State.Running}}" ecs-agent 2>/dev/null)" = true ]' || fail "the agent container is not running"
echo "agent container: $(docker ps --filter name=^/ecs-agent$ --format '{{.Names}} {{.Status}}')"

step "waiting for the agent to register its container instance in cluster $cluster"
# Registered and connected to ACS (a re-run finds the instance registered before, not yet connected).
registered() {
  local arn
  arn=$(ecs ListContainerInstances "{\"cluster\":\"$cluster\"}" | json 'j.containerInstanceArns[0]') && [ -n "$arn" ] &&
    ecs DescribeContainerInstances "{\"cluster\":\"$cluster\",\"containerInstances\":[\"$arn\"]}" | json 'j.containerInstances[0].agentConnected' | grep -qx true
}
if ! wait_for 90 registered; then
  docker logs --tail 20 ecs-agent 2>&1 | sed 's/^/  agent| /' >&2
  fail "the agent did not register within 90 s"
fi
instance=$(ecs ListContainerInstances "{\"cluster\":\"$cluster\"}" | json 'j.containerInstanceArns[0]')
ecs DescribeContainerInstances "{\"cluster\":\"$cluster\",\"containerInstances\":[\"$instance\"]}" |
  json 'const i=j.containerInstances[0]; `${i.containerInstanceArn}\n  status ${i.status}, agent connected ${i.agentConnected}, agent ${i.versionInfo.agentVersion}, docker ${i.versionInfo.dockerVersion}`'

step "building the web server image $web_image (busybox httpd, local only)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/rootfs/bin" "$work/rootfs/www"
cp /bin/busybox "$work/rootfs/bin/busybox"
ln -s busybox "$work/rootfs/bin/sh"
echo "hello from an ECS task run by the Fractal agent" >"$work/rootfs/www/index.html"
tar -C "$work/rootfs" -cf "$work/rootfs.tar" .
docker import --change 'CMD ["/bin/busybox","httpd","-f","-p","8080","-h","/www"]' "$work/rootfs.tar" "$web_image" >/dev/null
echo "built $(docker image inspect -f '{{.Id}}' "$web_image" | cut -c8-19); the agent uses it without a registry (ECS_IMAGE_PULL_BEHAVIOR=prefer-cached)"

step "registering task definition $family (container web, port 8080 mapped to a dynamic host port)"
definition=$(cat <<EOF
{"family":"$family","containerDefinitions":[{"name":"web","image":"$web_image","memory":64,"essential":true,"stopTimeout":2,
 "portMappings":[{"containerPort":8080,"hostPort":0,"protocol":"tcp"}]}]}
EOF
)
ecs RegisterTaskDefinition "$definition" | json '`${j.taskDefinition.taskDefinitionArn} (${j.taskDefinition.status})`' || fail "RegisterTaskDefinition failed"

step "running the task"
run=$(ecs RunTask "{\"cluster\":\"$cluster\",\"taskDefinition\":\"$family\",\"count\":1}") || fail "RunTask failed"
task=$(printf '%s' "$run" | json 'j.tasks[0] && j.tasks[0].taskArn')
[ -n "$task" ] || fail "RunTask placed no task: $(printf '%s' "$run" | json 'j.failures')"
echo "task $task"
describe_task() { ecs DescribeTasks "{\"cluster\":\"$cluster\",\"tasks\":[\"$task\"]}"; }
task_running() { describe_task | json 'j.tasks[0].lastStatus' | grep -qx RUNNING; }
if ! wait_for 60 task_running; then
  describe_task | json 'j.tasks[0]' >&2
  fail "the task did not reach RUNNING within 60 s"
fi
described=$(describe_task)
printf '%s' "$described" | json 'const t=j.tasks[0]; [`status ${t.lastStatus} (desired ${t.desiredStatus})`, ...t.containers.map(c=>`container ${c.name}: ${c.lastStatus}, ${(c.networkBindings||[]).map(b=>`${b.bindIP}:${b.hostPort} -> ${b.containerPort}/${b.protocol}`).join(", ")}`)].join("\n")'
host_port=$(printf '%s' "$described" | json 'j.tasks[0].containers[0].networkBindings.find(b=>b.bindIP==="0.0.0.0"||b.bindIP==="").hostPort')
[ -n "$host_port" ] || fail "the task reports no host port"

step "fetching http://127.0.0.1:$host_port/"
answer=$(curl -sS --max-time 5 --retry 5 --retry-connrefused --retry-delay 1 "http://127.0.0.1:$host_port/") || fail "the web server did not answer on port $host_port"
echo "answer: $answer"

printf '\n\033[32mdemo succeeded\033[0m: the agent registered with the local control plane and runs the task.\n'
cat <<EOF
  see it:   docker ps; curl http://127.0.0.1:$host_port/; curl -s $endpoint/debug/state
  logs:     $root/var/log/ecs/ecs-agent.log, $root/var/log/ecs/ecs-init.log, $cp_dir/control-plane.log
  stop:     make stop-demo   (StopTask, amazon-ecs-init stop and post-stop, stops the control plane)
EOF
