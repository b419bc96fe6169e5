#!/usr/bin/env bash
# npm run sandbox:down — stops everything sandbox:up started: the observability backends (sandbox/obs/down.sh)
# and kube-apiserver + etcd, leaving no process behind. Kube data (etcd, PKI, kubeconfigs) is wiped, so the next
# sandbox:up reseeds from scratch, deterministically; logs stay in .sandbox/logs.
set -euo pipefail
# shellcheck source=sandbox/kube/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/kube/lib.sh"

exec 9>"$SANDBOX_DIR/up.lock"
flock -w 600 9 || die "a sandbox:up still holds $SANDBOX_DIR/up.lock after 10 min"

rc=0
OBS_DOWN="$SANDBOX_ROOT/sandbox/obs/down.sh"
if [[ -f "$OBS_DOWN" ]]; then
  SANDBOX_DIR="$SANDBOX_DIR" bash "$OBS_DOWN" 9>&- || { rc=$?; warn "sandbox/obs/down.sh failed (exit $rc)"; }
else
  warn "$OBS_DOWN does not exist (yet); observability backends not stopped"
fi
bash "$SANDBOX_ROOT/sandbox/kube/stop.sh" --wipe 9>&-
rm -f "$SANDBOX_DIR/env"
say "sandbox stopped (logs kept in $LOGS_DIR)"
exit "$rc"
