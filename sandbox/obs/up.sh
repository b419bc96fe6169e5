#!/usr/bin/env bash
# Starts the observability half of the sandbox on loopback (ports: docs/dev/contracts.md):
#   exporter      sandbox/obs/exporter.ts              :19100  cluster-like series (kube-state-metrics, node-exporter…)
#   alertmanager  Debian prometheus-alertmanager 0.25   :19093  clustering off; silence kept by this script
#   prometheus    Debian prometheus 2.42                :19090  7 days of exporter history backfilled; rules fire
#   loki          sandbox/obs/loki-standin.ts           :13100  Loki STAND-IN, seeded via its push API
#   ntfy          sandbox/obs/ntfy-standin.ts           :18080  ntfy STAND-IN, seeded at start, token required
# Idempotent: running components are left alone. Recovers from stale pid files and from our own leftovers on
# the ports; refuses when a port is held by anything else. Waits until every backend is ready and the expected
# alerts (sandbox/obs/fixtures.ts ALERTS) are visible in Prometheus and Alertmanager.
# Prints `ENV KEY=value` lines at the end and writes them to .sandbox/env.d/obs.env.
#
#   bash sandbox/obs/up.sh [--only prometheus,alertmanager,loki,ntfy,exporter] [--quiet-if-running]
#
# Needs: prometheus, prometheus-alertmanager (Debian packages; promtool comes with prometheus), curl, ss, and
# Node 24 from the `node` devDependency (npm ci).
set -euo pipefail
# shellcheck source=sandbox/obs/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

only=""
quiet=0
while (($# > 0)); do
  case "$1" in
  --only) only="${2:?--only needs a list}"; shift 2 ;;
  --only=*) only="${1#--only=}"; shift ;;
  --quiet-if-running) quiet=1; shift ;;
  -h | --help) sed -n '2,17p' "$0"; exit 0 ;;
  *) die "unknown argument: $1" ;;
  esac
done

declare -A wanted=()
if [[ -z "$only" ]]; then
  for c in "${OBS_ALL[@]}"; do wanted[$c]=1; done
else
  IFS=',' read -ra list <<<"$only"
  for c in "${list[@]}"; do
    [[ -n "${OBS_PORT[$c]:-}" ]] || die "unknown component '$c' (one of: ${OBS_ALL[*]})"
    wanted[$c]=1
  done
  # Prometheus scrapes the exporter; without it the rules cannot fire.
  [[ -n "${wanted[prometheus]:-}" ]] && wanted[exporter]=1
fi

check_node
for bin in prometheus prometheus-alertmanager promtool curl ss; do
  command -v "$bin" >/dev/null || die "'$bin' not found. Install: apt-get install -y --no-install-recommends prometheus prometheus-alertmanager curl iproute2"
done
obs_lock

# --- 1. what runs, what must start -------------------------------------------------------------------------------
to_start=()
for c in "${OBS_ALL[@]}"; do
  [[ -n "${wanted[$c]:-}" ]] || continue
  if pid="$(live_pid "$c")"; then
    [[ $quiet == 1 ]] || say "$c already running (pid $pid)"
    continue
  fi
  [[ -f "$PIDS_DIR/$c.pid" ]] && { warn "removing stale pid file $PIDS_DIR/$c.pid"; rm -f "$PIDS_DIR/$c.pid"; }
  free_port "$c"
  to_start+=("$c")
done
starting() { [[ " ${to_start[*]} " == *" $1 "* ]]; }

# --- 2. prepare and start ------------------------------------------------------------------------------------------
PROM_DATA="$DATA_DIR/prometheus"
mkdir -p "$PROM_DATA" "$DATA_DIR/alertmanager" "$DATA_DIR/loki" "$DATA_DIR/ntfy"

if starting prometheus || starting exporter; then
  # The scenario anchor lives with Prometheus' data; the exporter's values depend on it.
  prom_state=()
  live_pid prometheus >/dev/null && prom_state=(prometheus-running)
  run_step "metrics scenario anchor" "$(log_of obsctl)" "$NODE" "$OBSCTL" anchor "$PROM_DATA/anchor.json" "$PROM_DATA/tsdb" "${prom_state[@]}"
fi
if starting exporter; then
  say "▸ starting exporter (log: $(log_of exporter))"
  start_daemon exporter "$NODE" "$OBS_DIR/exporter.ts" --port "${OBS_PORT[exporter]}" --anchor-file "$PROM_DATA/anchor.json"
fi
if starting alertmanager; then
  say "▸ starting alertmanager (log: $(log_of alertmanager))"
  start_daemon alertmanager prometheus-alertmanager \
    --config.file="$OBS_DIR/alertmanager.yml" \
    --storage.path="$DATA_DIR/alertmanager" \
    --web.listen-address="127.0.0.1:${OBS_PORT[alertmanager]}" \
    --web.external-url="$(url_of alertmanager)" \
    --cluster.listen-address=
fi
if starting loki; then
  say "▸ starting loki stand-in (log: $(log_of loki))"
  start_daemon loki "$NODE" "$OBS_DIR/loki-standin.ts" --port "${OBS_PORT[loki]}" --state-dir "$DATA_DIR/loki"
fi
if starting ntfy; then
  run_step "ntfy seed file" "$(log_of obsctl)" "$NODE" "$OBSCTL" ntfy-seed \
    "$DATA_DIR/ntfy/seed.json" "$DATA_DIR/ntfy/seed-info.json" "$DATA_DIR/ntfy/token"
  say "▸ starting ntfy stand-in (log: $(log_of ntfy))"
  start_daemon ntfy "$NODE" "$OBS_DIR/ntfy-standin.ts" --port "${OBS_PORT[ntfy]}" --state-dir "$DATA_DIR/ntfy" \
    --seed-file "$DATA_DIR/ntfy/seed.json" --token-file "$DATA_DIR/ntfy/token"
fi
if starting prometheus; then
  run_step "prometheus config" "$(log_of obsctl)" "$NODE" "$OBSCTL" gen-config "$PROM_DATA/prometheus.yml" "$OBS_DIR/rules.yml"
  run_step "backfill exporter history (promtool)" "$(log_of obsctl)" "$NODE" "$OBSCTL" backfill \
    "$PROM_DATA/tsdb" "$PROM_DATA/anchor.json" "$PROM_DATA/filled-until.json"
  # max-block-duration (a hidden flag): keep the backfilled 2 h blocks as they are instead of merging 84 of them a
  # minute after start, which is slow on a small box and delays a shutdown until it is done.
  # resend-delay 5s, not 1s: an alert sent to Alertmanager is valid for 4 x max(evaluation interval, resend delay),
  # so with 1s a Prometheus stalled for 4 s on a busy machine lets every alert resolve and come back; 5s gives
  # 20 s of slack and costs at most 5 s on start (the first send before Alertmanager is discovered is dropped).
  say "▸ starting prometheus (log: $(log_of prometheus))"
  start_daemon prometheus prometheus \
    --config.file="$PROM_DATA/prometheus.yml" \
    --storage.tsdb.path="$PROM_DATA/tsdb" \
    --storage.tsdb.retention.time=8d \
    --storage.tsdb.max-block-duration=2h \
    --web.listen-address="127.0.0.1:${OBS_PORT[prometheus]}" \
    --web.external-url="$(url_of prometheus)" \
    --rules.alert.resend-delay=5s
fi

# --- 3. ready, seeded, alerts visible ------------------------------------------------------------------------------
((${#to_start[@]} > 0)) && wait_ready "${to_start[@]}"
running=()
for c in "${OBS_ALL[@]}"; do [[ -n "${wanted[$c]:-}" ]] && running+=("$c"); done
for c in "${running[@]}"; do ready "$c" || die_with_log "$c is running but does not answer $(url_of "$c")${OBS_READY[$c]}" "$(log_of "$c")"; done

if starting loki; then
  run_step "seed loki stand-in (push API)" "$(log_of obsctl)" "$NODE" "$OBS_DIR/seed-logs.ts" "$(url_of loki)" "$DATA_DIR/loki/seed-info.json"
fi
if [[ -n "${wanted[alertmanager]:-}${wanted[prometheus]:-}" ]]; then
  if ready alertmanager && ready prometheus; then
    run_step "silence kept; alerts visible in prometheus and alertmanager" "$(log_of obsctl)" \
      "$NODE" "$OBSCTL" alerts "$(url_of prometheus)" "$(url_of alertmanager)" 60
  elif ready alertmanager; then
    run_step "alertmanager silence" "$(log_of obsctl)" "$NODE" "$OBSCTL" ensure-silence "$(url_of alertmanager)"
  fi
fi

# --- 4. env -------------------------------------------------------------------------------------------------------
env_lines=(
  "PROMETHEUS_URL=$(url_of prometheus)"
  "ALERTMANAGER_URL=$(url_of alertmanager)"
  "LOKI_URL=$(url_of loki)"
  "NTFY_URL=$(url_of ntfy)"
  "NTFY_TOKEN=$(cat "$DATA_DIR/ntfy/token" 2>/dev/null || true)"
)
printf '%s\n' "# written by sandbox/obs/up.sh" "${env_lines[@]}" >"$ENVD_DIR/obs.env.tmp"
mv -f "$ENVD_DIR/obs.env.tmp" "$ENVD_DIR/obs.env"
if ((${#to_start[@]} == 0)); then
  [[ $quiet == 1 ]] || say "observability backends already running; nothing to do"
else
  say "observability backends up (${to_start[*]} started)"
fi
printf 'ENV %s\n' "${env_lines[@]}"
