#!/usr/bin/env bash
# Stops the sandbox's kube-apiserver and etcd (and any seed/setup script still running), found by pid file and,
# for leftovers of a crashed run, by a command line naming this sandbox. Never touches foreign processes.
# `--wipe` also removes the kube data (etcd, PKI, kubeconfigs), so the next start reseeds from scratch.
set -euo pipefail
# shellcheck source=sandbox/kube/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

stopped=0
for name in kube-apiserver etcd; do
  if pid="$(live_pid "$name")"; then
    stop_pid "$pid" "$name"; say "stopped $name (pid $pid)"; stopped=1
  fi
  rm -f "$PIDS_DIR/$name.pid"
done

# Leftovers: our daemons whose pid file was lost, and seed/setup scripts of an interrupted up.
for dir in /proc/[0-9]*; do
  pid="${dir#/proc/}"
  [[ "$pid" == "$$" || "$pid" == "$PPID" ]] && continue
  cmd="$(cmdline_of "$pid")" || continue
  case "$cmd" in
    *"$KUBE_BIN_DIR/kube-apiserver "*|*"/etcd "*"--data-dir $ETCD_DATA "*|*"$SANDBOX_ROOT/sandbox/seed/"*|*"$SANDBOX_ROOT/sandbox/kube/setup.ts"*)
      if [[ "$cmd" == *"$SANDBOX_DIR/"* || "$cmd" == *"$SANDBOX_ROOT/sandbox/"* ]]; then
        stop_pid "$pid" "leftover pid $pid"; say "stopped leftover pid $pid (${cmd:0:100})"; stopped=1
      fi ;;
  esac
done

if [[ "${1:-}" == --wipe ]]; then rm -rf "$ETCD_DATA" "$KUBE_STATE"; fi
(( stopped )) || say "kube: nothing was running"
