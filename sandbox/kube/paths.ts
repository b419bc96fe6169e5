/** Sandbox paths for the TypeScript side; the same layout as sandbox/kube/lib.sh (docs/dev/contracts.md). */
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const SANDBOX_DIR = process.env.SANDBOX_DIR || join(REPO_ROOT, '.sandbox');
export const KUBE_STATE = join(SANDBOX_DIR, 'data', 'kube');
export const ADMIN_KUBECONFIG = join(KUBE_STATE, 'admin.kubeconfig');
export const SA_KUBECONFIG = join(KUBE_STATE, 'sa.kubeconfig');
/** Written by the seed: when it ran and with what (see SeedMarker in sandbox/seed/seed.ts). */
export const SEED_MARKER = join(KUBE_STATE, 'seeded.json');
/** Switch state kept by sandbox/control.ts so a later reseed honours it (see SwitchState in crds.ts). */
export const SWITCH_STATE = join(KUBE_STATE, 'switches.json');
export const ENV_FILE = join(SANDBOX_DIR, 'env');
export const CRD_DIR = join(REPO_ROOT, 'sandbox', 'kube', 'crds');
