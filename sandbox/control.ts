/**
 * What tests use to find and reshape the running sandbox (docs/dev/contracts.md, "Sandbox"). Every change waits
 * until it is visible (discovery included) and is idempotent; switches are remembered in .sandbox/data/kube so a
 * later reseed honours them. Tests that flip a switch should flip it back (files run one at a time).
 */
import { existsSync, readFileSync } from 'node:fs';
import { KubeClient } from './kube/client.ts';
import {
  applyCrds,
  crds,
  currentImageMode,
  deleteCrds,
  IMAGE_GROUP,
  type ImageApiMode,
  writeSwitches,
} from './kube/crds.ts';
import { ENV_FILE } from './kube/paths.ts';
import { fluxOf } from './seed/fixtures.ts';
import { readMarker, seedCertificates, seedImages, seedMetrics } from './seed/seed.ts';

export type { ImageApiMode } from './kube/crds.ts';
export { type BackendName, startBackend, stopBackend } from './obs/control.ts';

/** `.sandbox/env`. Kube keys are always there; the observability URLs once sandbox/obs is in place. */
export interface SandboxEnv {
  KUBECONFIG: string;
  SA_KUBECONFIG: string;
  KUBE_VERSION: string;
  SANDBOX_DIR: string;
  /** RFC 3339 time the seed ran; fixtures' "agoSec" are relative to it. */
  SEED_TIME: string;
  /** Pods of the large seed (`sandbox:up -- --pods N`), "0" when none. */
  SCALE_PODS: string;
  PROMETHEUS_URL: string;
  ALERTMANAGER_URL: string;
  LOKI_URL: string;
  NTFY_URL: string;
  [key: string]: string;
}

const REQUIRED = ['KUBECONFIG', 'SA_KUBECONFIG', 'KUBE_VERSION', 'SANDBOX_DIR', 'SEED_TIME'] as const;

/** Parses `.sandbox/env` (or `file`); throws, naming the fix, when the sandbox was never brought up. */
export function readSandboxEnv(file = ENV_FILE): SandboxEnv {
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm run sandbox:up`);
  const env: Record<string, string> = {
    SCALE_PODS: '0',
    PROMETHEUS_URL: '',
    ALERTMANAGER_URL: '',
    LOKI_URL: '',
    NTFY_URL: '',
  };
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (!m) continue;
    let value = m[2] ?? '';
    if (/^'.*'$/.test(value)) value = value.slice(1, -1).replaceAll(`'\\''`, `'`);
    else if (/^".*"$/.test(value)) value = value.slice(1, -1);
    env[m[1] as string] = value;
  }
  const missing = REQUIRED.filter((k) => !env[k]);
  if (missing.length) throw new Error(`${file} lacks ${missing.join(', ')}: run npm run sandbox:up`);
  return env as SandboxEnv;
}

/** Milliseconds since the epoch of the seed (SEED_TIME). */
export function seedTimeMs(env: SandboxEnv = readSandboxEnv()): number {
  return Date.parse(env.SEED_TIME);
}

/** A client for the sandbox's admin identity (client certificate, system:masters). Close it when done. */
export function adminClient(env: SandboxEnv = readSandboxEnv()): KubeClient {
  return new KubeClient(env.KUBECONFIG);
}

async function withAdmin<T>(fn: (kube: KubeClient, seedTime: number) => Promise<T>): Promise<T> {
  const env = readSandboxEnv();
  const marker = readMarker();
  const kube = adminClient(env);
  try {
    return await fn(kube, marker ? Date.parse(marker.seedTime) : seedTimeMs(env));
  } finally {
    kube.close();
  }
}

const IMAGE_CRDS = ['imagerepositories', 'imagepolicies', 'imageupdateautomations'].map(
  (p) => `${p}.${IMAGE_GROUP}`,
);

/**
 * Serves the image.toolkit.fluxcd.io kinds in `mode` only: 'both' (v1 storage + deprecated v1beta2, Flux 2.7),
 * 'v1', 'v1beta2' (Flux 2.6, status with latestImage), or 'none' (no image CRDs). Re-creates the CRDs and reseeds
 * the image objects; resolves once discovery shows exactly those versions.
 */
export async function setImageApiVersions(mode: ImageApiMode): Promise<void> {
  await withAdmin(async (kube, seedTime) => {
    const current = await currentImageMode(kube);
    if (current === mode) {
      // Same versions: make sure the objects are there (a previous call may have been interrupted).
      const version = mode === 'v1beta2' ? 'v1beta2' : 'v1';
      const have =
        mode === 'none'
          ? 0
          : ((await kube.get<{ items: unknown[] }>(`/apis/${IMAGE_GROUP}/${version}/imagepolicies`)).items
              ?.length ?? 0);
      if (mode === 'none' || have === fluxOf('ImagePolicy').length) {
        writeSwitches({ imageApi: mode });
        return;
      }
    } else if (current !== 'none') {
      await deleteCrds(kube, IMAGE_CRDS, [IMAGE_GROUP]);
    }
    writeSwitches({ imageApi: mode });
    if (mode === 'none') return;
    await applyCrds(kube, crds('image', mode));
    await seedImages(kube, seedTime, mode);
  });
}

/** Removes metrics.k8s.io (its CRDs and objects); resolves once discovery no longer lists the group. */
export async function removeMetricsApi(): Promise<void> {
  await withAdmin(async (kube) => {
    writeSwitches({ metrics: false });
    await deleteCrds(kube, ['nodes.metrics.k8s.io', 'pods.metrics.k8s.io'], ['metrics.k8s.io']);
  });
}

/** Brings metrics.k8s.io back with the seeded node and pod usage. */
export async function restoreMetricsApi(): Promise<void> {
  await withAdmin(async (kube, seedTime) => {
    await applyCrds(kube, crds('metrics'));
    await seedMetrics(kube, seedTime);
    writeSwitches({ metrics: true });
  });
}

/** Removes cert-manager's Certificate CRD (and the certificates); resolves once discovery no longer lists it. */
export async function removeCertManager(): Promise<void> {
  await withAdmin(async (kube) => {
    writeSwitches({ certManager: false });
    await deleteCrds(kube, ['certificates.cert-manager.io'], ['cert-manager.io']);
  });
}

/** Brings the Certificate CRD back with the seeded certificates. */
export async function restoreCertManager(): Promise<void> {
  await withAdmin(async (kube, seedTime) => {
    await applyCrds(kube, crds('cert-manager'));
    await seedCertificates(kube, seedTime);
    writeSwitches({ certManager: true });
  });
}
