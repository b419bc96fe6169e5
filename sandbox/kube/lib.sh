# shellcheck shell=bash
# Shared helpers for sandbox/up.sh, sandbox/down.sh and sandbox/kube/*.sh (sourced, never run).
# Paths and ports follow docs/dev/contracts.md ("Sandbox").

SANDBOX_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SANDBOX_DIR="${SANDBOX_DIR:-$SANDBOX_ROOT/.sandbox}"
KUBE_VERSION="${KUBE_VERSION:-1.34.2}"
CLUSTER_MCP_CACHE="${CLUSTER_MCP_CACHE:-$HOME/.cache/cluster-mcp}"
KUBE_BIN_DIR="$CLUSTER_MCP_CACHE/kube-$KUBE_VERSION"

PIDS_DIR="$SANDBOX_DIR/pids"
LOGS_DIR="$SANDBOX_DIR/logs"
DATA_DIR="$SANDBOX_DIR/data"
ETCD_DATA="$DATA_DIR/etcd"
# Everything kube-side that is regenerated with a fresh etcd: PKI, kubeconfigs, seed marker, switch state.
KUBE_STATE="$DATA_DIR/kube"
PKI_DIR="$KUBE_STATE/pki"
ADMIN_KUBECONFIG="$KUBE_STATE/admin.kubeconfig"
SA_KUBECONFIG_FILE="$KUBE_STATE/sa.kubeconfig"
SEED_MARKER="$KUBE_STATE/seeded.json"

ETCD_CLIENT_PORT=23790
ETCD_PEER_PORT=23800
ETCD_METRICS_PORT=23810
KUBE_PORT=16443
KUBE_URL="https://127.0.0.1:$KUBE_PORT"

mkdir -p "$PIDS_DIR" "$LOGS_DIR" "$DATA_DIR"

say() { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# Node 24 from the `node` devDependency: the machine's own node may be too old for @kubernetes/client-node.
node24() {
  local n="$SANDBOX_ROOT/node_modules/.bin/node"
  [[ -x "$n" ]] || die "$n is missing: run 'npm ci' in $SANDBOX_ROOT first"
  "$n" "$@"
}

# Runs "$@" as step NAME with its output appended to LOG; prints progress every ~10 s and, on failure, the log's
# tail and where to read the rest. fd 9 (the up/down lock) is closed for the child so daemons never inherit it.
run_step() {
  local name="$1" log="$2"; shift 2
  local t0=$SECONDS next=10 rc=0 pid
  say "▸ $name (log: $log)"
  "$@" >>"$log" 2>&1 9>&- &
  pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    sleep 0.1
    if (( SECONDS - t0 >= next )); then
      say "  … $name: $((SECONDS - t0))s elapsed${log:+ — $(tail -n 1 "$log" 2>/dev/null | cut -c1-110)} (log: $log)"
      next=$(( next + (next < 60 ? 10 : 30) ))
    fi
  done
  wait "$pid" || rc=$?
  if (( rc != 0 )); then
    say "✗ $name failed after $((SECONDS - t0))s (exit $rc); last lines of $log:" >&2
    tail -n 25 "$log" | sed 's/^/    /' >&2
    say "  full log: $log" >&2
    exit 1
  fi
  say "✓ $name ($((SECONDS - t0))s)"
}

cmdline_of() { tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline"; }

# A process is ours when its command line names this sandbox directory (every daemon we start gets a path in it).
is_ours() {
  local cmd
  cmd="$(cmdline_of "$1")" || return 1
  [[ -n "$cmd" && "$cmd" == *"$SANDBOX_DIR/"* ]]
}

# Pid from pids/NAME.pid when that process is alive and ours; nothing otherwise.
live_pid() {
  local f="$PIDS_DIR/$1.pid" pid
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && is_ours "$pid" && { echo "$pid"; return 0; }
  return 1
}

# Sends TERM, waits up to 20 s (polling), then KILL.
stop_pid() {
  local pid="$1" name="${2:-process}" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  warn "$name (pid $pid) ignored SIGTERM for 20 s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}

# Pids listening on TCP port $1 (loopback or any address).
port_pids() {
  ss -Htlnp "( sport = :$1 )" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u
}

# Frees the given ports from our own leftovers; refuses (exit 1) when a foreign process holds one.
free_ports() {
  local port pid
  for port in "$@"; do
    for pid in $(port_pids "$port"); do
      if is_ours "$pid"; then
        warn "port $port is held by a leftover of this sandbox (pid $pid); stopping it"
        stop_pid "$pid" "leftover pid $pid"
      else
        die "port $port is held by pid $pid ($(cmdline_of "$pid" | cut -c1-160)), which is not part of this sandbox ($SANDBOX_DIR); stop it or free the port, then retry"
      fi
    done
  done
}

# Starts a daemon in its own session (so Ctrl-C of up.sh does not reach it) and records its pid in pids/NAME.pid.
start_daemon() {
  local name="$1" log="$2"; shift 2
  : >"$log"
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PIDS_DIR/$name.pid" "$@" >>"$log" 2>&1 </dev/null 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do [[ -s "$PIDS_DIR/$name.pid" ]] && return 0; sleep 0.02; done
  die "could not start $name (log: $log)"
}

# curl against the apiserver as the admin (client certificate).
kube_curl() {
  curl -sS --max-time "${KUBE_CURL_TIMEOUT:-3}" --cacert "$PKI_DIR/ca.crt" \
    --cert "$PKI_DIR/admin.crt" --key "$PKI_DIR/admin.key" "$@"
}

kube_ready() {
  [[ -f "$PKI_DIR/admin.crt" ]] && [[ "$(kube_curl -o /dev/null -w '%{http_code}' "$KUBE_URL/readyz" 2>/dev/null)" == 200 ]]
}

# etcd and kube-apiserver are alive, ours, and the apiserver answers /readyz. While both processes live, a slow
# answer (a loaded machine) is retried for up to 30 s rather than taken for a dead sandbox, which would be wiped.
kube_running() {
  local i
  for ((i = 0; i < 10; i++)); do
    live_pid etcd >/dev/null && live_pid kube-apiserver >/dev/null || return 1
    KUBE_CURL_TIMEOUT=3 kube_ready && return 0
    sleep 0.2
  done
  return 1
}
