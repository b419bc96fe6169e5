/**
 * helm for tests and generators: the binary built from its Go module by sandbox/helm/build.sh (cached under
 * ~/.cache/cluster-mcp/helm-<version>/), and small wrappers around `helm template` / `helm lint`.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

/** The repository root. */
export const ROOT = join(import.meta.dirname, '..', '..');
/** The chart's directory. */
export const CHART_DIR = join(ROOT, 'charts', 'cluster-mcp');
/** Release name and namespace the sandbox, the plain manifests and the docs use. */
export const RELEASE = 'cluster-mcp';
export const NAMESPACE = 'cluster-mcp';

let cached: string | undefined;

/** Path of the helm binary; builds it on first use (a few minutes cold, instant when cached). */
export function helmBinary(): string {
  if (cached) return cached;
  const out = execFileSync('bash', [join(ROOT, 'sandbox', 'helm', 'build.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const path = out.trim().split('\n').at(-1);
  if (!path) throw new Error('sandbox/helm/build.sh printed no helm path');
  cached = path;
  return path;
}

/** Runs helm with `args`; throws with helm's stderr when it fails. */
export function helm(args: string[]): string {
  try {
    return execFileSync(helmBinary(), args, {
      encoding: 'utf8',
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (err) {
    const e = err as { stderr?: string; stdout?: string; message: string };
    throw new Error(`helm ${args.join(' ')} failed:\n${e.stderr || e.stdout || e.message}`);
  }
}

/** `helm template` of the chart as release cluster-mcp in namespace cluster-mcp, with extra arguments. */
export function renderChart(extra: string[] = []): string {
  return helm(['template', RELEASE, CHART_DIR, '--namespace', NAMESPACE, ...extra]);
}

/** A Kubernetes object as parsed from YAML. */
export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

/** The objects of a multi-document YAML stream (empty documents dropped). */
export function parseManifests(text: string): Manifest[] {
  return parseAllDocuments(text)
    .map((d) => {
      if (d.errors.length > 0) throw new Error(`invalid YAML: ${d.errors[0]?.message}`);
      return d.toJS() as Manifest | null;
    })
    .filter((m): m is Manifest => m !== null && typeof m === 'object');
}
