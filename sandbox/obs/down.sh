#!/usr/bin/env bash
# Stops what sandbox/obs/up.sh started (by pid file, then any leftover of this sandbox on the ports) and waits
# until every port is closed. Prometheus' and Alertmanager's data stay in .sandbox/data (the next start only
# backfills the gap). A full stop also forgets the log/message seed times, so the next `up` seeds afresh;
# `--only` keeps them, so a restarted stand-in is re-seeded with exactly the same data.
#
#   bash sandbox/obs/down.sh [--only prometheus,alertmanager,loki,ntfy,exporter]
set -euo pipefail
# shellcheck source=sandbox/obs/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

only=""
while (($# > 0)); do
  case "$1" in
  --only) only="${2:?--only needs a list}"; shift 2 ;;
  --only=*) only="${1#--only=}"; shift ;;
  -h | --help) sed -n '2,8p' "$0"; exit 0 ;;
  *) die "unknown argument: $1" ;;
  esac
done

targets=()
if [[ -z "$only" ]]; then
  targets=(prometheus alertmanager exporter loki ntfy)
else
  IFS=',' read -ra targets <<<"$only"
  for c in "${targets[@]}"; do [[ -n "${OBS_PORT[$c]:-}" ]] || die "unknown component '$c' (one of: ${OBS_ALL[*]})"; done
fi

obs_lock
for c in "${targets[@]}"; do
  port="${OBS_PORT[$c]}"
  stopped=0
  if pid="$(live_pid "$c")"; then
    say "▸ stopping $c (pid $pid)"
    stop_pid "$pid" "$c"
    stopped=1
  fi
  rm -f "$PIDS_DIR/$c.pid"
  for pid in $(port_pids "$port"); do
    if is_ours "$pid"; then
      say "▸ stopping leftover on port $port (pid $pid)"
      stop_pid "$pid" "leftover pid $pid"
      stopped=1
    fi
  done
  for ((i = 0; i < 100; i++)); do
    port_open "$port" || break
    sleep 0.1
  done
  if port_open "$port"; then
    warn "port $port ($c) is still open, held by something that is not ours: $(port_pids "$port" | tr '\n' ' ')"
  elif ((stopped)); then
    say "✓ $c stopped (port $port closed)"
  fi
  if [[ $c == prometheus ]] && ((stopped)) && [[ -x "$NODE" ]]; then
    # Its own scrapes cover the time until now: the next start only backfills from here.
    "$NODE" "$OBSCTL" mark-filled "$DATA_DIR/prometheus/filled-until.json" >/dev/null 2>&1 || true
  fi
done

if [[ -z "$only" ]]; then
  rm -f "$DATA_DIR/loki/seed-info.json" "$DATA_DIR/ntfy/seed-info.json" "$ENVD_DIR/obs.env"
  say "observability backends stopped"
fi
