#!/usr/bin/env bash
# npm run sandbox:up [-- --pods N] [--quiet-if-running]
#
# Builds what is missing, starts etcd + kube-apiserver on loopback (contract ports, docs/dev/contracts.md),
# installs CRDs and the read-only ServiceAccount, seeds the cluster (sandbox/seed/fixtures.ts), starts the
# observability backends (sandbox/obs/up.sh), then writes .sandbox/env atomically and prints the URLs.
#
# Idempotent: while everything runs, a second call is a quick no-op (it only adds scale pods when --pods asks for
# more, re-mints the ServiceAccount token when it expires within a day, and refreshes a seed older than 12 h).
# A crashed or killed previous run is cleaned up (our own leftovers by pid file or command line); a port held by
# a foreign process makes it stop with a clear message. Each step prints its name, elapsed time and log file.
set -euo pipefail
# shellcheck source=sandbox/kube/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/kube/lib.sh"

PODS=0
QUIET=0
while (($#)); do
  case "$1" in
    --pods) [[ $# -ge 2 ]] || die "--pods needs a number"; PODS="$2"; shift 2 ;;
    --pods=*) PODS="${1#--pods=}"; shift ;;
    --quiet-if-running) QUIET=1; shift ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument '$1' (usage: sandbox/up.sh [--pods N] [--quiet-if-running])" ;;
  esac
done
[[ "$PODS" =~ ^[0-9]+$ ]] || die "--pods wants a non-negative integer, got '$PODS'"

T0=$SECONDS
KUBE_DIR="$SANDBOX_ROOT/sandbox/kube"
SEED="$SANDBOX_ROOT/sandbox/seed/seed.ts"
OBS_UP="$SANDBOX_ROOT/sandbox/obs/up.sh"
ENV_FILE="$SANDBOX_DIR/env"
RESEED_AFTER_SEC=$((12 * 3600))

# One up/down at a time (npm test and a developer may race). fd 9 is closed for every child we start.
exec 9>"$SANDBOX_DIR/up.lock"
flock -w 1800 9 || die "another sandbox:up/down still holds $SANDBOX_DIR/up.lock after 30 min"

marker_field() { sed -n "s/.*\"$1\":\"\{0,1\}\([^\",}]*\).*/\1/p" "$SEED_MARKER" 2>/dev/null; }

token_expires_soon() {
  local f="$KUBE_STATE/sa-token.json" exp
  [[ -f "$f" && -f "$SA_KUBECONFIG_FILE" ]] || return 0
  exp="$(sed -n 's/.*"expirationTimestamp":"\([^"]*\)".*/\1/p' "$f")"
  [[ -n "$exp" ]] || return 0
  (( $(date -d "$exp" +%s) - $(date +%s) < 86400 ))
}

seed_is_stale() {
  local t; t="$(marker_field seedTime)"
  [[ -n "$t" ]] || return 0
  (( $(date +%s) - $(date -d "$t" +%s) > RESEED_AFTER_SEC ))
}

# Runs sandbox/obs/up.sh (KUBECONFIG and SANDBOX_DIR in its environment). Its `ENV KEY=value` (or `KEY=value`)
# output lines go to $OBS_ENV and then .sandbox/env; its progress streams to the terminal, or with
# --quiet-if-running on a running sandbox only to logs/obs-up.log (shown when it fails).
OBS_ENV="$(mktemp)"
trap 'rm -f "$OBS_ENV" "$OBS_ENV.out"' EXIT
obs_up() {
  local quiet="$1" log="$LOGS_DIR/obs-up.log" t1=$SECONDS rc=0 args=()
  if [[ ! -f "$OBS_UP" ]]; then
    warn "$OBS_UP does not exist (yet): Prometheus, Alertmanager, Loki and ntfy are not started; their URLs are missing from $ENV_FILE"
    return 0
  fi
  if (( quiet )); then args=(--quiet-if-running); else say "▸ observability backends (sandbox/obs/up.sh; log: $log)"; fi
  : >"$log"
  set +e
  KUBECONFIG="$ADMIN_KUBECONFIG" SANDBOX_DIR="$SANDBOX_DIR" bash "$OBS_UP" "${args[@]}" 2>&1 9>&- </dev/null |
    tee "$OBS_ENV.out" |
    if (( quiet )); then cat >/dev/null; else grep --line-buffered -vE '^(ENV )?[A-Z][A-Z0-9_]*=' | sed -u 's/^/  /'; fi
  rc=${PIPESTATUS[0]}
  set -e
  cat "$OBS_ENV.out" >>"$log"
  if (( rc != 0 )); then
    say "✗ observability backends failed after $((SECONDS - t1))s (exit $rc); last lines of $log:" >&2
    tail -n 25 "$log" | sed 's/^/    /' >&2
    say "  full log: $log (and the other logs in $LOGS_DIR)" >&2
    exit 1
  fi
  sed -n -E 's/^(ENV )?([A-Z][A-Z0-9_]*=.*)$/\2/p' "$OBS_ENV.out" >"$OBS_ENV"
  (( quiet )) || say "✓ observability backends ($((SECONDS - t1))s)"
}

env_value() { # quotes a value only when it needs it
  if [[ "$1" =~ ^[A-Za-z0-9_./:@%+,=-]*$ ]]; then printf '%s' "$1"; else printf "'%s'" "${1//\'/\'\\\'\'}"; fi
}

# Writes .sandbox/env atomically; answers whether it changed.
write_env() {
  local tmp="$ENV_FILE.tmp.$$" line key
  {
    printf 'KUBECONFIG=%s\n' "$(env_value "$ADMIN_KUBECONFIG")"
    printf 'SA_KUBECONFIG=%s\n' "$(env_value "$SA_KUBECONFIG_FILE")"
    printf 'KUBE_VERSION=%s\n' "$KUBE_VERSION"
    printf 'SANDBOX_DIR=%s\n' "$(env_value "$SANDBOX_DIR")"
    printf 'SEED_TIME=%s\n' "$(marker_field seedTime)"
    printf 'SCALE_PODS=%s\n' "$(marker_field scalePods)"
    while IFS= read -r line; do
      key="${line%%=*}"
      case "$key" in KUBECONFIG|SA_KUBECONFIG|KUBE_VERSION|SANDBOX_DIR|SEED_TIME|SCALE_PODS) continue ;; esac
      printf '%s\n' "$line"
    done <"$OBS_ENV"
  } >"$tmp"
  if [[ -f "$ENV_FILE" ]] && cmp -s "$tmp" "$ENV_FILE"; then rm -f "$tmp"; return 1; fi
  mv -f "$tmp" "$ENV_FILE"
}

print_urls() {
  say "cluster-mcp sandbox is up ($((SECONDS - T0))s); environment in $ENV_FILE:"
  sed 's/^/  /' "$ENV_FILE"
  say "  kube-apiserver: $KUBE_URL (admin: KUBECONFIG, read-only ServiceAccount: SA_KUBECONFIG)"
  say "  stop with: npm run sandbox:down"
}

if kube_running && [[ -f "$SEED_MARKER" && -f "$SA_KUBECONFIG_FILE" ]]; then
  # Already running: only top up what was asked for.
  if token_expires_soon; then run_step "re-mint ServiceAccount token" "$LOGS_DIR/kube-setup.log" node24 "$KUBE_DIR/setup.ts" --token-only; fi
  if seed_is_stale; then run_step "refresh seed (older than 12 h)" "$LOGS_DIR/seed.log" node24 "$SEED" --reseed; fi
  have_pods="$(marker_field scalePods)"
  if (( PODS > ${have_pods:-0} )); then
    run_step "large seed: $PODS pods" "$LOGS_DIR/seed-scale.log" node24 "$SEED" --pods "$PODS"
  fi
  obs_up "$QUIET"
  write_env || true
  if (( QUIET )); then exit 0; fi
  say "sandbox already running; nothing to do."
  print_urls
  exit 0
fi

say "cluster-mcp sandbox: starting kube-apiserver v$KUBE_VERSION + etcd, seeding, observability (state: $SANDBOX_DIR)"
run_step "kube binaries (cache: $KUBE_BIN_DIR)" "$LOGS_DIR/kube-build.log" bash "$KUBE_DIR/build.sh"
# Whatever is left of a previous run (crashed, killed, half-started) goes, with its data: a fresh etcd makes the
# seed deterministic.
bash "$KUBE_DIR/stop.sh" --wipe >>"$LOGS_DIR/kube-stop.log" 2>&1 9>&-
free_ports "$ETCD_CLIENT_PORT" "$ETCD_PEER_PORT" "$ETCD_METRICS_PORT" "$KUBE_PORT"
rm -f "$ENV_FILE"
: >"$LOGS_DIR/kube-start.log"
run_step "PKI: CA, serving and admin certificates, ServiceAccount keys" "$LOGS_DIR/kube-start.log" bash "$KUBE_DIR/start.sh" pki
run_step "etcd on 127.0.0.1:$ETCD_CLIENT_PORT" "$LOGS_DIR/kube-start.log" bash "$KUBE_DIR/start.sh" etcd
run_step "kube-apiserver on $KUBE_URL" "$LOGS_DIR/kube-start.log" bash "$KUBE_DIR/start.sh" apiserver
: >"$LOGS_DIR/kube-setup.log"
run_step "CRDs, read-only ServiceAccount, token" "$LOGS_DIR/kube-setup.log" node24 "$KUBE_DIR/setup.ts"
# The ServiceAccount is then bound by the Helm chart's own ClusterRole, so tests exercise the RBAC a real install
# grants (helm is built from its Go module and cached on first use).
run_step "chart RBAC: ClusterRole cluster-mcp from charts/cluster-mcp" "$LOGS_DIR/kube-setup.log" \
  bash "$SANDBOX_ROOT/sandbox/helm/apply-rbac.sh" --kubeconfig "$ADMIN_KUBECONFIG"
: >"$LOGS_DIR/seed.log"
run_step "seed (fixtures.ts)" "$LOGS_DIR/seed.log" node24 "$SEED"
if (( PODS > 0 )); then
  : >"$LOGS_DIR/seed-scale.log"
  run_step "large seed: $PODS pods" "$LOGS_DIR/seed-scale.log" node24 "$SEED" --pods "$PODS"
fi
obs_up 0
write_env || true
print_urls
