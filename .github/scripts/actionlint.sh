#!/usr/bin/env bash
# Lints .github/workflows with actionlint, built from its Go module into the cache on first use.
#   .github/scripts/actionlint.sh [actionlint args...]
set -euo pipefail
V="${ACTIONLINT_VERSION:-v1.7.12}"
BIN_DIR="${CLUSTER_MCP_CACHE:-$HOME/.cache/cluster-mcp}/tools/actionlint-$V"
if [[ ! -x "$BIN_DIR/actionlint" ]]; then
  echo "building actionlint $V from its Go module" >&2
  mkdir -p "$BIN_DIR"
  GOTOOLCHAIN=local GOBIN="$BIN_DIR" go install "github.com/rhysd/actionlint/cmd/actionlint@$V" >&2
fi
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
exec "$BIN_DIR/actionlint" "$@"
