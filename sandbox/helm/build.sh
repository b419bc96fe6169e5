#!/usr/bin/env bash
# Builds helm from its Go module (helm.sh/helm/v3, no replace directives) into a cache outside the checkout,
# keyed by version, and prints the binary's path on the last line of stdout. Cached: a second run is instant.
#   HELM_VERSION   default v3.22.0
#   CLUSTER_MCP_CACHE  default ~/.cache/cluster-mcp
set -euo pipefail
HV="${HELM_VERSION:-v3.22.0}"
CACHE="${CLUSTER_MCP_CACHE:-$HOME/.cache/cluster-mcp}"
OUT="$CACHE/helm-$HV"
if [[ -x "$OUT/helm" ]]; then
  echo "$OUT/helm"; exit 0
fi
mkdir -p "$OUT"
# One build at a time: parallel test runs wait for the first instead of racing on the same output.
exec 8>"$OUT/.lock"
flock 8
if [[ -x "$OUT/helm" ]]; then
  echo "$OUT/helm"; exit 0
fi
echo "building helm $HV from its Go module (cold: a few minutes)" >&2
t0=$SECONDS
# -X sets what `helm version` prints; without it helm reports its source default.
GOTOOLCHAIN=local CGO_ENABLED=0 GOBIN="$OUT/.tmp" GOFLAGS=-mod=mod \
  go install -trimpath -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HV \
  -X helm.sh/helm/v3/internal/version.gitTreeState=clean" "helm.sh/helm/v3/cmd/helm@$HV" >&2
mv "$OUT/.tmp/helm" "$OUT/helm"
rmdir "$OUT/.tmp"
echo "built helm $HV in $((SECONDS - t0))s" >&2
echo "$OUT/helm"
