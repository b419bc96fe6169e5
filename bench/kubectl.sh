#!/usr/bin/env bash
# Builds a kubectl matching the sandbox's API server (default v1.34.2) from the Go module proxy into the cache
# outside the checkout, for the mcp-server-kubernetes peer (it shells out to kubectl). A direct, version-matched
# binary keeps the comparison fair: a version dispatcher (gcloud's kubectl) adds an exec to every call.
# Prints the binary's path on its last line.
set -euo pipefail
KV="${KUBE_VERSION:-1.34.2}"
CACHE="${CLUSTER_MCP_CACHE:-$HOME/.cache/cluster-mcp}"
OUT="$CACHE/kubectl-$KV"
if [[ -x "$OUT/kubectl" ]]; then
  echo "$OUT/kubectl"; exit 0
fi
MINOR="$(echo "$KV" | cut -d. -f2)"; PATCH="$(echo "$KV" | cut -d. -f3)"
WORK="$CACHE/kubectl-wrapper-$KV"
rm -rf "$WORK"; mkdir -p "$WORK" "$OUT"
cd "$WORK"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
go mod init cluster-mcp.invalid/kubectl >/dev/null 2>&1
GOMOD="$(go mod download -json "k8s.io/kubernetes@v$KV" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')"
[[ -f "$GOMOD" ]] || { echo "could not download k8s.io/kubernetes@v$KV go.mod" >&2; exit 1; }
# k8s.io/kubernetes points its staging modules at ./staging; pin each to the matching published v0.x.y.
for m in $(sed -n 's#^[[:space:]]*\(k8s.io/[A-Za-z0-9._-]*\) => \./staging/.*#\1#p' "$GOMOD"); do
  go mod edit -replace="$m=$m@v0.$MINOR.$PATCH"
done
cat > tools.go <<'GO'
//go:build tools

package tools

import _ "k8s.io/kubernetes/cmd/kubectl"
GO
go get "k8s.io/kubernetes@v$KV" >/dev/null
go mod tidy -e >/dev/null 2>&1 || true
LDF="-s -w -X k8s.io/component-base/version.gitVersion=v$KV -X k8s.io/component-base/version.gitMajor=1 \
 -X k8s.io/component-base/version.gitMinor=$MINOR -X k8s.io/component-base/version.gitTreeState=clean \
 -X k8s.io/client-go/pkg/version.gitVersion=v$KV -X k8s.io/client-go/pkg/version.gitMajor=1 \
 -X k8s.io/client-go/pkg/version.gitMinor=$MINOR"
echo "building kubectl v$KV (a few minutes on 2 cores)" >&2
CGO_ENABLED=0 go build -trimpath -ldflags "$LDF" -o "$OUT/kubectl.tmp" k8s.io/kubernetes/cmd/kubectl
mv "$OUT/kubectl.tmp" "$OUT/kubectl"
echo "$OUT/kubectl"
