#!/usr/bin/env bash
# Binds the sandbox's ServiceAccount cluster-mcp/cluster-mcp with the CHART's read-only ClusterRole: renders
# templates/clusterrole.yaml and templates/clusterrolebinding.yaml of charts/cluster-mcp (release cluster-mcp in
# namespace cluster-mcp) with helm built by sandbox/helm/build.sh, and server-side-applies them with the admin
# kubeconfig. Idempotent. The sandbox then tests exactly the RBAC a real install grants.
#
#   sandbox/helm/apply-rbac.sh [--kubeconfig ADMIN_KUBECONFIG] [--print]
#     --kubeconfig  admin kubeconfig (default: $KUBECONFIG, else KUBECONFIG from .sandbox/env)
#     --print       only print the rendered objects
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KC="${KUBECONFIG:-}"
PRINT=false
while (($#)); do
  case "$1" in
    --kubeconfig) KC="$2"; shift 2 ;;
    --kubeconfig=*) KC="${1#*=}"; shift ;;
    --print) PRINT=true; shift ;;
    *) echo "apply-rbac.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if [[ -z "$KC" && -f "$ROOT/.sandbox/env" ]]; then
  KC="$(sed -n 's/^KUBECONFIG=//p' "$ROOT/.sandbox/env" | tail -n1)"
fi
# Node 24 from the `node` devDependency (the machine's node may be older); helm is built on first use.
NODE="$ROOT/node_modules/.bin/node"
[[ -x "$NODE" ]] || NODE=node
bash "$ROOT/sandbox/helm/build.sh" >/dev/null
if $PRINT; then exec "$NODE" "$ROOT/sandbox/helm/apply-rbac.ts" --print; fi
[[ -n "$KC" && -f "$KC" ]] || { echo "apply-rbac.sh: no admin kubeconfig (use --kubeconfig or KUBECONFIG)" >&2; exit 1; }
exec "$NODE" "$ROOT/sandbox/helm/apply-rbac.ts" "$KC"
