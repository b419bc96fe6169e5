#!/usr/bin/env bash
# Builds kube-apiserver (and etcd) from the Go module proxy into a cache outside the checkout,
# keyed by version. The wrapper module's go.mod is generated: one replace line per staging module,
# derived from the downloaded k8s.io/kubernetes go.mod (never hand-copied).
set -euo pipefail
KV="${KUBE_VERSION:-1.34.2}"
CACHE="${CLUSTER_MCP_CACHE:-$HOME/.cache/cluster-mcp}"
OUT="$CACHE/kube-$KV"
if [[ -x "$OUT/kube-apiserver" && -x "$OUT/etcd" ]]; then
  echo "kube-apiserver v$KV cached in $OUT"; exit 0
fi
# Two checkouts sharing the cache must not build into the same wrapper directory at once.
mkdir -p "$CACHE"
exec 8>"$CACHE/kube-build-$KV.lock"
flock -w 3600 8 || { echo "another build of kube v$KV still holds $CACHE/kube-build-$KV.lock" >&2; exit 1; }
if [[ -x "$OUT/kube-apiserver" && -x "$OUT/etcd" ]]; then
  echo "kube-apiserver v$KV cached in $OUT (built by a concurrent run)"; exit 0
fi
MINOR="$(echo "$KV" | cut -d. -f2)"; PATCH="$(echo "$KV" | cut -d. -f3)"
WORK="$CACHE/kube-wrapper-$KV"
rm -rf "$WORK"; mkdir -p "$WORK" "$OUT"
cd "$WORK"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
go mod init cluster-mcp.invalid/kubetools >/dev/null 2>&1
GOMOD="$(go mod download -json "k8s.io/kubernetes@v$KV" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')"
[[ -f "$GOMOD" ]] || { echo "could not download k8s.io/kubernetes@v$KV go.mod" >&2; exit 1; }
n=0
for m in $(sed -n 's#^[[:space:]]*\(k8s.io/[A-Za-z0-9._-]*\) => \./staging/.*#\1#p' "$GOMOD"); do
  go mod edit -replace="$m=$m@v0.$MINOR.$PATCH"; n=$((n+1))
done
echo "wrapper module: $n replace lines derived from k8s.io/kubernetes@v$KV go.mod"
cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "go.etcd.io/etcd/server/v3"
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
)
GO
go get "k8s.io/kubernetes@v$KV" >/dev/null
ETCDV="$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3 2>/dev/null || true)"
[[ -n "$ETCDV" ]] || ETCDV=v3.6.5
go get "go.etcd.io/etcd/server/v3@$ETCDV" >/dev/null
go mod tidy -e >/dev/null 2>&1 || true
LDF="-s -w -X k8s.io/component-base/version.gitVersion=v$KV -X k8s.io/component-base/version.gitMajor=1 \
 -X k8s.io/component-base/version.gitMinor=$MINOR -X k8s.io/component-base/version.gitTreeState=clean \
 -X k8s.io/component-base/version.gitCommit=0000000000000000000000000000000000000000 \
 -X k8s.io/component-base/version.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
echo "building kube-apiserver v$KV (cold: tens of minutes on 2 cores)"
CGO_ENABLED=0 go build -trimpath -ldflags "$LDF" -o "$OUT/kube-apiserver.tmp" k8s.io/kubernetes/cmd/kube-apiserver
echo "building etcd $ETCDV"
CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$OUT/etcd.tmp" go.etcd.io/etcd/server/v3
mv "$OUT/kube-apiserver.tmp" "$OUT/kube-apiserver"; mv "$OUT/etcd.tmp" "$OUT/etcd"
echo "built into $OUT"
