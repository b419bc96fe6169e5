# shellcheck shell=bash
# Shared by sandbox/obs/up.sh and down.sh (sourced, never run). Paths and ports: docs/dev/contracts.md.

OBS_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
OBS_ROOT="$(cd "$OBS_DIR/../.." && pwd)"
SANDBOX_DIR="${SANDBOX_DIR:-$OBS_ROOT/.sandbox}"
PIDS_DIR="$SANDBOX_DIR/pids"
LOGS_DIR="$SANDBOX_DIR/logs"
DATA_DIR="$SANDBOX_DIR/data"
ENVD_DIR="$SANDBOX_DIR/env.d"
NODE="$OBS_ROOT/node_modules/.bin/node"
OBSCTL="$OBS_DIR/obsctl.ts"

# All components in start order; prometheus last (it needs the exporter's history backfilled first).
OBS_ALL=(exporter alertmanager loki ntfy prometheus)

declare -A OBS_PORT=([prometheus]=19090 [alertmanager]=19093 [exporter]=19100 [loki]=13100 [ntfy]=18080)
declare -A OBS_READY=(
  [prometheus]=/-/ready [alertmanager]=/-/ready [exporter]=/healthz [loki]=/ready [ntfy]=/v1/health
)
# Seconds a component may take to answer its readiness endpoint after start.
declare -A OBS_START_TIMEOUT=([prometheus]=60 [alertmanager]=30 [exporter]=20 [loki]=20 [ntfy]=20)

mkdir -p "$PIDS_DIR" "$LOGS_DIR" "$DATA_DIR" "$ENVD_DIR"

OBS_T0="${EPOCHREALTIME:-$(date +%s.%N)}"

obs_elapsed() {
  local now="${EPOCHREALTIME:-$(date +%s.%N)}"
  awk -v a="$OBS_T0" -v b="$now" 'BEGIN { printf "%5.1fs", b - a }'
}
say() { printf '[obs %s] %s\n' "$(obs_elapsed)" "$*"; }
warn() { printf '[obs %s] warning: %s\n' "$(obs_elapsed)" "$*" >&2; }
die() {
  printf '[obs %s] error: %s\n' "$(obs_elapsed)" "$*" >&2
  exit 1
}

log_of() { echo "$LOGS_DIR/$1.log"; }
url_of() { echo "http://127.0.0.1:${OBS_PORT[$1]}"; }

# Prints the last lines of a log to stderr and exits naming it.
die_with_log() {
  local msg="$1" log="$2"
  printf '[obs %s] error: %s\n' "$(obs_elapsed)" "$msg" >&2
  if [[ -s "$log" ]]; then
    printf '  last lines of %s:\n' "$log" >&2
    tail -n 20 "$log" | sed 's/^/    /' >&2
  fi
  printf '  full log: %s\n' "$log" >&2
  exit 1
}

# Runs a step, its output appended to LOG; on failure exits naming the log.
run_step() {
  local name="$1" log="$2" rc=0
  shift 2
  say "▸ $name (log: $log)"
  "$@" >>"$log" 2>&1 8>&- || rc=$?
  ((rc == 0)) || die_with_log "$name failed (exit $rc)" "$log"
  tail -n 1 "$log" | sed 's/^/    /'
}

cmdline_of() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null; }

# Ours: the command line names this sandbox's state directory (every process started here gets a path in it).
is_ours() {
  local cmd
  cmd="$(cmdline_of "$1")" || return 1
  [[ -n "$cmd" && "$cmd" == *"$SANDBOX_DIR/"* ]]
}

# Pid from pids/NAME.pid when that process is alive and ours.
live_pid() {
  local f="$PIDS_DIR/$1.pid" pid
  [[ -f "$f" ]] || return 1
  pid="$(cat "$f" 2>/dev/null)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && is_ours "$pid" && {
    echo "$pid"
    return 0
  }
  return 1
}

# TERM, up to 20 s, then KILL.
stop_pid() {
  local pid="$1" name="$2" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 200; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  warn "$name (pid $pid) ignored SIGTERM for 20 s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
}

port_pids() {
  ss -Htlnp "( sport = :$1 )" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u
}

port_open() { [[ -n "$(ss -Htln "( sport = :$1 )" 2>/dev/null)" ]]; }

# Frees the port of NAME from our own leftovers; refuses when a foreign process (or an unknown one) holds it.
free_port() {
  local name="$1" port="${OBS_PORT[$1]}" pid
  for pid in $(port_pids "$port"); do
    if is_ours "$pid"; then
      warn "port $port ($name) is held by a leftover of this sandbox (pid $pid: $(cmdline_of "$pid" | cut -c1-100)); stopping it"
      stop_pid "$pid" "leftover pid $pid"
    else
      die "port $port ($name) is held by pid $pid ($(cmdline_of "$pid" | cut -c1-160)), which is not part of this sandbox ($SANDBOX_DIR); stop it or free the port, then retry"
    fi
  done
  if port_open "$port"; then
    die "port $port ($name) is in use by a process this user cannot see; free the port, then retry"
  fi
}

# Starts a daemon in its own session (Ctrl-C of up.sh does not reach it), pid in pids/NAME.pid, log rotated once.
start_daemon() {
  local name="$1" log
  shift
  log="$(log_of "$name")"
  [[ -f "$log" ]] && mv -f "$log" "$log.prev"
  rm -f "$PIDS_DIR/$name.pid"
  printf '=== %s started %s ===\n' "$name" "$(date -u +%FT%TZ)" >"$log"
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PIDS_DIR/$name.pid" "$@" >>"$log" 2>&1 </dev/null 8>&- 9>&- &
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s "$PIDS_DIR/$name.pid" ]] && return 0
    sleep 0.02
  done
  die_with_log "could not start $name" "$log"
}

ready() { curl -fsS -o /dev/null --max-time 1 "$(url_of "$1")${OBS_READY[$1]}" 2>/dev/null; }

# Waits until every named component answers its readiness endpoint; fails fast when one exits.
wait_ready() {
  local pending=("$@") next=() name pid deadline now
  local -A deadlines=()
  now=$SECONDS
  for name in "${pending[@]}"; do deadlines[$name]=$((now + OBS_START_TIMEOUT[$name])); done
  while ((${#pending[@]} > 0)); do
    next=()
    for name in "${pending[@]}"; do
      if ready "$name"; then
        say "✓ $name ready on $(url_of "$name")"
        continue
      fi
      pid="$(cat "$PIDS_DIR/$name.pid" 2>/dev/null || true)"
      if [[ -z "$pid" ]] || ! kill -0 "$pid" 2>/dev/null; then
        die_with_log "$name exited during start-up" "$(log_of "$name")"
      fi
      deadline="${deadlines[$name]}"
      if ((SECONDS > deadline)); then
        die_with_log "$name did not become ready within ${OBS_START_TIMEOUT[$name]} s ($(url_of "$name")${OBS_READY[$name]})" "$(log_of "$name")"
      fi
      next+=("$name")
    done
    pending=("${next[@]}")
    ((${#pending[@]} > 0)) && sleep 0.1
  done
  return 0
}

obs_lock() {
  exec 8>"$PIDS_DIR/obs.lock"
  command -v flock >/dev/null || return 0
  flock -w 300 8 || die "another sandbox/obs up/down holds $PIDS_DIR/obs.lock"
}

check_node() {
  [[ -x "$NODE" ]] || die "$NODE is missing: run 'npm ci' in $OBS_ROOT first"
}
