#!/usr/bin/env bash
# `npm run demo`: bring the local sandbox up, then run cluster-mcp against it on http://127.0.0.1:8080/mcp.
set -euo pipefail
cd "$(dirname "$0")/.."
bash sandbox/up.sh
set -a
# shellcheck disable=SC1091
source .sandbox/env
set +a
export KUBECONFIG="$SA_KUBECONFIG" NTFY_DEFAULT_TOPIC="${NTFY_DEFAULT_TOPIC:-homelab-alerts}"
node scripts/build-info.mjs
PORT="${MCP_PORT:-8080}"
cat <<MSG

cluster-mcp is starting on http://127.0.0.1:${PORT}/mcp against the local sandbox
(read-only ServiceAccount, Prometheus ${PROMETHEUS_URL}, Alertmanager ${ALERTMANAGER_URL}, Loki ${LOKI_URL}, ntfy ${NTFY_URL}).

Connect a client:
  claude mcp add --transport http cluster-mcp http://127.0.0.1:${PORT}/mcp
  npx @modelcontextprotocol/inspector --cli http://127.0.0.1:${PORT}/mcp --transport http --method tools/list
  npx @modelcontextprotocol/inspector --cli http://127.0.0.1:${PORT}/mcp --transport http \\
      --method tools/call --tool-name get_flux_status

Ctrl-C stops the server; npm run sandbox:down stops the sandbox.

MSG
exec node src/server.ts --port "$PORT"
