#!/usr/bin/env bash
# Starts the sandbox's control plane on loopback, one phase per call so sandbox/up.sh can show each as a step:
#   start.sh pki        fresh CA (openssl), apiserver serving cert, admin client cert (O=system:masters),
#                       service-account key pair, admin kubeconfig
#   start.sh etcd       etcd 3.6 built by build.sh (Debian's etcd 3.4 as a fallback), waits for /health
#   start.sh apiserver  kube-apiserver with RBAC, waits for /readyz
# Ports and paths: docs/dev/contracts.md. Callers free the ports and wipe the data first (sandbox/up.sh).
set -euo pipefail
# shellcheck source=sandbox/kube/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pki() {
  rm -rf "$PKI_DIR"; mkdir -p "$PKI_DIR"; cd "$PKI_DIR"
  local ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -keyout ca.key -out ca.crt -days 3650 -subj "/CN=cluster-mcp-sandbox-ca" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  issue() { # name subject extensions
    openssl req -new "${ec[@]}" -keyout "$1.key" -out "$1.csr" -subj "$2" 2>/dev/null
    openssl x509 -req -in "$1.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -days 825 -out "$1.crt" \
      -extfile <(printf '%s\n' "$3" "keyUsage=critical,digitalSignature,keyEncipherment") 2>/dev/null
    rm -f "$1.csr"
  }
  issue apiserver "/CN=kube-apiserver" "$(printf '%s\n%s' \
    'subjectAltName=IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local' \
    'extendedKeyUsage=serverAuth')"
  issue admin "/O=system:masters/CN=cluster-mcp-admin" "extendedKeyUsage=clientAuth"
  # Service-account token signing key (ES256); the public half verifies tokens.
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out sa.key 2>/dev/null
  openssl pkey -in sa.key -pubout -out sa.pub 2>/dev/null
  chmod 600 ./*.key
  local tmp="$ADMIN_KUBECONFIG.tmp"
  cat >"$tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: cluster-mcp-sandbox
  cluster:
    server: $KUBE_URL
    certificate-authority-data: $(base64 -w0 ca.crt)
users:
- name: cluster-mcp-admin
  user:
    client-certificate-data: $(base64 -w0 admin.crt)
    client-key-data: $(base64 -w0 admin.key)
contexts:
- name: cluster-mcp-sandbox-admin
  context:
    cluster: cluster-mcp-sandbox
    user: cluster-mcp-admin
current-context: cluster-mcp-sandbox-admin
EOF
  chmod 600 "$tmp"; mv "$tmp" "$ADMIN_KUBECONFIG"
  echo "PKI and admin kubeconfig written to $KUBE_STATE"
}

etcd_bin() {
  if [[ -x "$KUBE_BIN_DIR/etcd" ]]; then echo "$KUBE_BIN_DIR/etcd"
  elif [[ -x /usr/bin/etcd ]]; then echo "warning: $KUBE_BIN_DIR/etcd missing; falling back to Debian's /usr/bin/etcd" >&2; echo /usr/bin/etcd
  else echo "no etcd binary: run sandbox/kube/build.sh" >&2; return 1
  fi
}

etcd() {
  local bin; bin="$(etcd_bin)"
  mkdir -p "$ETCD_DATA"; chmod 700 "$ETCD_DATA"
  local args=(
    --name sandbox --data-dir "$ETCD_DATA"
    --listen-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_CLIENT_PORT"
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT"
    --initial-cluster "sandbox=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state new
    --listen-metrics-urls "http://127.0.0.1:$ETCD_METRICS_PORT"
    --quota-backend-bytes 4294967296 --log-level warn
  )
  # A throwaway sandbox: fsync only slows the large seed down (etcd 3.4 lacks the flag).
  if "$bin" --help 2>&1 | grep -q -- --unsafe-no-fsync; then args+=(--unsafe-no-fsync); fi
  echo "starting $bin ($("$bin" --version | head -1))"
  start_daemon etcd "$LOGS_DIR/etcd.log" "$bin" "${args[@]}"
  local i
  for ((i = 0; i < 300; i++)); do
    if curl -sf --max-time 1 "http://127.0.0.1:$ETCD_CLIENT_PORT/health" | grep -q '"health":"true"'; then
      echo "etcd healthy (pid $(cat "$PIDS_DIR/etcd.pid"), log $LOGS_DIR/etcd.log)"; return 0
    fi
    live_pid etcd >/dev/null || { echo "etcd exited; see $LOGS_DIR/etcd.log"; tail -n 20 "$LOGS_DIR/etcd.log"; return 1; }
    sleep 0.1
  done
  echo "etcd not healthy after 30 s; see $LOGS_DIR/etcd.log"; return 1
}

apiserver() {
  local bin="$KUBE_BIN_DIR/kube-apiserver"
  [[ -x "$bin" ]] || { echo "$bin missing: run sandbox/kube/build.sh"; return 1; }
  local args=(
    --etcd-servers "http://127.0.0.1:$ETCD_CLIENT_PORT"
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$KUBE_PORT"
    --tls-cert-file "$PKI_DIR/apiserver.crt" --tls-private-key-file "$PKI_DIR/apiserver.key"
    --client-ca-file "$PKI_DIR/ca.crt"
    --authorization-mode RBAC
    --service-account-issuer https://kubernetes.default.svc.cluster.local
    --service-account-signing-key-file "$PKI_DIR/sa.key" --service-account-key-file "$PKI_DIR/sa.pub"
    # No kube-controller-manager creates the `default` ServiceAccounts, so the ServiceAccount admission plugin
    # would reject every pod.
    --disable-admission-plugins ServiceAccount
    # The reconciler would write a 127.0.0.1 endpoint for svc/kubernetes, which validation rejects.
    --endpoint-reconciler-type none
    --service-cluster-ip-range 10.96.0.0/16
    --allow-privileged=true
    # Seeded events are backdated by hours; the default 1 h TTL would make them vanish from a long-running sandbox.
    --event-ttl 720h
    --max-requests-inflight 800 --max-mutating-requests-inflight 400
    --profiling=false
  )
  echo "starting $bin ($("$bin" --version))"
  start_daemon kube-apiserver "$LOGS_DIR/kube-apiserver.log" "$bin" "${args[@]}"
  local i
  for ((i = 0; i < 1200; i++)); do
    if kube_ready; then echo "kube-apiserver ready (pid $(cat "$PIDS_DIR/kube-apiserver.pid"), log $LOGS_DIR/kube-apiserver.log)"; return 0; fi
    live_pid kube-apiserver >/dev/null || { echo "kube-apiserver exited; see $LOGS_DIR/kube-apiserver.log"; tail -n 30 "$LOGS_DIR/kube-apiserver.log"; return 1; }
    sleep 0.1
  done
  echo "kube-apiserver not ready after 120 s; see $LOGS_DIR/kube-apiserver.log"
  KUBE_CURL_TIMEOUT=5 kube_curl "$KUBE_URL/readyz?verbose" || true
  return 1
}

case "${1:-}" in
  pki) pki ;;
  etcd) etcd ;;
  apiserver) apiserver ;;
  *) echo "usage: $0 pki|etcd|apiserver" >&2; exit 2 ;;
esac
