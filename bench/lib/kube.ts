/**
 * The harness's own view of the cluster, read with the admin kubeconfig straight from the API server: the truth
 * every answer is checked against, and the floor cost of listing (what any list-per-call design pays at least).
 * Independent of the server under test and of the sandbox's scripts on purpose.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

interface Target {
  server: URL;
  agent: https.Agent;
  token?: string;
}

interface KubeconfigFile {
  'current-context'?: string;
  clusters?: { name: string; cluster: Record<string, string> }[];
  users?: { name: string; user: Record<string, string> }[];
  contexts?: { name: string; context: { cluster: string; user: string } }[];
}

/** Current context of a kubeconfig (inline `*-data` or file paths; client certificate or token). */
export function target(file: string): Target {
  const kc = parse(readFileSync(file, 'utf8')) as KubeconfigFile;
  const ctx = kc.contexts?.find((c) => c.name === kc['current-context'])?.context;
  const cluster = kc.clusters?.find((c) => c.name === ctx?.cluster)?.cluster;
  const user = kc.users?.find((u) => u.name === ctx?.user)?.user ?? {};
  if (!cluster?.server) throw new Error(`${file}: no current context with a server`);
  const pick = (data?: string, path?: string) =>
    data ? Buffer.from(data, 'base64') : path ? readFileSync(resolve(dirname(file), path)) : undefined;
  const agent = new https.Agent({
    keepAlive: true,
    maxSockets: 4,
    ca: pick(cluster['certificate-authority-data'], cluster['certificate-authority']),
    cert: pick(user['client-certificate-data'], user['client-certificate']),
    key: pick(user['client-key-data'], user['client-key']),
    rejectUnauthorized: cluster['insecure-skip-tls-verify'] !== 'true',
  });
  return { server: new URL(cluster.server), agent, token: user.token };
}

/** GET a path; resolves with the raw body (so callers can time parsing separately). */
export function getRaw(t: Target, path: string, accept = 'application/json'): Promise<string> {
  return new Promise((res, rej) => {
    const req = https.request(
      {
        agent: t.agent,
        host: t.server.hostname,
        port: t.server.port,
        path,
        method: 'GET',
        headers: { accept, ...(t.token ? { authorization: `Bearer ${t.token}` } : {}) },
        timeout: 60_000,
      },
      (r) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          if ((r.statusCode ?? 0) >= 300)
            rej(new Error(`GET ${path}: HTTP ${r.statusCode}: ${body.slice(0, 200)}`));
          else res(body);
        });
        r.on('error', rej);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET ${path}: timed out`)));
    req.on('error', rej);
    req.end();
  });
}

interface ObjectMeta {
  name: string;
  namespace?: string;
}

export interface PodLite {
  metadata: ObjectMeta & { deletionTimestamp?: string };
  status?: {
    phase?: string;
    reason?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: {
      ready?: boolean;
      restartCount?: number;
      state?: { waiting?: { reason?: string }; terminated?: { reason?: string; exitCode?: number } };
    }[];
    initContainerStatuses?: {
      state?: { waiting?: { reason?: string }; terminated?: { exitCode?: number } };
    }[];
  };
}

/** Every item of a list, page by page (limit 500, continue), as the API returns them. */
export async function listAll<T>(t: Target, path: string): Promise<T[]> {
  const items: T[] = [];
  let cont = '';
  do {
    const sep = path.includes('?') ? '&' : '?';
    const body = JSON.parse(
      await getRaw(t, `${path}${sep}limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`),
    ) as { items: T[]; metadata: { continue?: string } };
    items.push(...body.items);
    cont = body.metadata.continue ?? '';
  } while (cont);
  return items;
}

/**
 * A problem pod by the rule an operator applies: not Running/Succeeded, or a container waiting for a reason
 * other than a normal start, or terminated with a non-zero exit, or Running but not ready, or being deleted.
 */
export function isProblemPod(p: PodLite): boolean {
  const phase = p.status?.phase ?? 'Unknown';
  if (phase === 'Succeeded') return false;
  if (phase !== 'Running') return true;
  if (p.metadata.deletionTimestamp) return true;
  for (const c of p.status?.containerStatuses ?? []) {
    const waiting = c.state?.waiting?.reason;
    if (waiting && waiting !== 'ContainerCreating' && waiting !== 'PodInitializing') return true;
    if (c.state?.terminated && c.state.terminated.exitCode !== 0) return true;
    if (c.ready === false) return true;
  }
  return false;
}

export interface Truth {
  pods: { namespace: string; name: string }[];
  problemPods: { namespace: string; name: string }[];
  podsByNamespace: Record<string, number>;
  namespaces: number;
  nodes: string[];
  eventsByNamespace: Record<string, number>;
  /** Names of the objects the events of each namespace are about (answers fold repeats; names survive). */
  eventObjectsByNamespace: Record<string, string[]>;
  events: number;
}

/** Reads the cluster's state: pods (with the problem rule), namespaces, nodes, events. */
export async function readTruth(t: Target): Promise<Truth> {
  const [pods, nodes, events, namespaces] = await Promise.all([
    listAll<PodLite>(t, '/api/v1/pods'),
    listAll<{ metadata: ObjectMeta }>(t, '/api/v1/nodes'),
    listAll<{ metadata: ObjectMeta; involvedObject?: { name?: string } }>(t, '/api/v1/events'),
    listAll<{ metadata: ObjectMeta }>(t, '/api/v1/namespaces'),
  ]);
  const podsByNamespace: Record<string, number> = {};
  for (const p of pods)
    podsByNamespace[p.metadata.namespace!] = (podsByNamespace[p.metadata.namespace!] ?? 0) + 1;
  const eventsByNamespace: Record<string, number> = {};
  const eventObjects: Record<string, Set<string>> = {};
  for (const e of events) {
    const ns = e.metadata.namespace!;
    eventsByNamespace[ns] = (eventsByNamespace[ns] ?? 0) + 1;
    if (!e.involvedObject?.name) continue;
    eventObjects[ns] ??= new Set();
    eventObjects[ns].add(e.involvedObject.name);
  }
  const ref = (p: PodLite) => ({ namespace: p.metadata.namespace!, name: p.metadata.name });
  return {
    pods: pods.map(ref),
    problemPods: pods.filter(isProblemPod).map(ref),
    podsByNamespace,
    namespaces: namespaces.length,
    nodes: nodes.map((n) => n.metadata.name),
    eventsByNamespace,
    eventObjectsByNamespace: Object.fromEntries(
      Object.entries(eventObjects).map(([k, v]) => [k, [...v].sort()]),
    ),
    events: events.length,
  };
}

/** The key with the largest count (ties: the smallest name), for "one namespace" questions at their worst. */
export function largest(counts: Record<string, number>): string | undefined {
  return Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/** Closes the keep-alive sockets so the harness can exit. */
export function closeTarget(t: Target): void {
  t.agent.destroy();
}
