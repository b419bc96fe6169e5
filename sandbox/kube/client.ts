/**
 * A small Kubernetes REST client for the sandbox's own scripts and tests (setup, seed, control): node:https with
 * keep-alive and bounded sockets, client-certificate or bearer-token auth read from a kubeconfig, retries on
 * throttling and transient errors. The server under test uses @kubernetes/client-node; this stays independent of
 * it on purpose, so a bug there cannot hide behind the sandbox.
 */
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { dirname, resolve } from 'node:path';
import { parse } from 'yaml';

export interface KubeTarget {
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  token?: string;
}

interface KubeconfigFile {
  'current-context'?: string;
  clusters?: { name: string; cluster: Record<string, string> }[];
  users?: { name: string; user: Record<string, string> }[];
  contexts?: { name: string; context: { cluster: string; user: string } }[];
}

/** Reads the current context of a kubeconfig file (inline `*-data` fields or file paths, token or client cert). */
export function loadKubeconfig(file: string): KubeTarget {
  const kc = parse(readFileSync(file, 'utf8')) as KubeconfigFile;
  const ctx = kc.contexts?.find((c) => c.name === kc['current-context'])?.context;
  if (!ctx) throw new Error(`${file}: no current context`);
  const cluster = kc.clusters?.find((c) => c.name === ctx.cluster)?.cluster;
  const user = kc.users?.find((u) => u.name === ctx.user)?.user ?? {};
  if (!cluster?.server) throw new Error(`${file}: cluster ${ctx.cluster} has no server`);
  const base = dirname(file);
  const pick = (data: string | undefined, path: string | undefined): Buffer | undefined => {
    if (data) return Buffer.from(data, 'base64');
    if (path) return readFileSync(resolve(base, path));
    return undefined;
  };
  const target: KubeTarget = { server: cluster.server.replace(/\/+$/, '') };
  const ca = pick(cluster['certificate-authority-data'], cluster['certificate-authority']);
  const cert = pick(user['client-certificate-data'], user['client-certificate']);
  const key = pick(user['client-key-data'], user['client-key']);
  if (ca) target.ca = ca;
  if (cert) target.cert = cert;
  if (key) target.key = key;
  if (user.token) target.token = user.token;
  return target;
}

/** A non-2xx answer from the apiserver, with its Status reason (NotFound, Forbidden, AlreadyExists...). */
export class KubeError extends Error {
  readonly status: number;
  readonly reason: string;
  readonly body: unknown;
  constructor(method: string, path: string, status: number, body: unknown) {
    const st = (body ?? {}) as { message?: string; reason?: string };
    super(
      `${method} ${path}: HTTP ${status}${st.reason ? ` ${st.reason}` : ''}: ${st.message ?? JSON.stringify(body)}`,
    );
    this.name = 'KubeError';
    this.status = status;
    this.reason = st.reason ?? '';
    this.body = body;
  }
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Attempts on 429/5xx/connection errors (default 6). */
  attempts?: number;
  timeoutMs?: number;
}

export interface KubeResponse<T> {
  status: number;
  body: T;
}

export interface ResourceRef {
  group?: string;
  version: string;
  plural: string;
  namespace?: string;
  name?: string;
  subresource?: string;
}

/** `/api/v1/...` or `/apis/<group>/<version>/...` for a resource reference. */
export function resourcePath(r: ResourceRef): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespace) p += `/namespaces/${encodeURIComponent(r.namespace)}`;
  p += `/${r.plural}`;
  if (r.name) p += `/${encodeURIComponent(r.name)}`;
  if (r.subresource) p += `/${r.subresource}`;
  return p;
}

const RETRY_STATUS = new Set([429, 500, 502, 503, 504]);
const RETRY_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
]);

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export class KubeClient {
  readonly target: KubeTarget;
  readonly agent: https.Agent;

  constructor(target: KubeTarget | string, maxSockets = 16) {
    this.target = typeof target === 'string' ? loadKubeconfig(target) : target;
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets,
      ...(this.target.ca ? { ca: this.target.ca } : {}),
      ...(this.target.cert ? { cert: this.target.cert } : {}),
      ...(this.target.key ? { key: this.target.key } : {}),
    });
  }

  /** One request; never throws on an HTTP status (see `call`). Retries throttling and transient failures. */
  async request<T = unknown>(
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<KubeResponse<T>> {
    const attempts = opts.attempts ?? 6;
    let lastErr: unknown;
    for (let i = 0; i < attempts; i++) {
      try {
        const res = await this.once<T>(method, path, opts);
        if (!RETRY_STATUS.has(res.status) || i === attempts - 1) return res;
        lastErr = new KubeError(method, path, res.status, res.body);
      } catch (e) {
        lastErr = e;
        const code = (e as { code?: string }).code ?? '';
        if (!RETRY_CODES.has(code) || i === attempts - 1) throw e;
      }
      await delay(Math.min(200 * 2 ** i, 3000));
    }
    throw lastErr;
  }

  private once<T>(method: string, path: string, opts: RequestOptions): Promise<KubeResponse<T>> {
    const url = new URL(this.target.server + path);
    for (const [k, v] of Object.entries(opts.query ?? {}))
      if (v !== undefined) url.searchParams.set(k, String(v));
    const payload =
      opts.body === undefined
        ? undefined
        : typeof opts.body === 'string'
          ? opts.body
          : JSON.stringify(opts.body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = opts.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    if (this.target.token) headers.authorization = `Bearer ${this.target.token}`;
    return new Promise((resolvePromise, reject) => {
      const req = https.request(
        url,
        { method, headers, agent: this.agent, timeout: opts.timeoutMs ?? 30_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            if ((res.headers['content-type'] ?? '').includes('json') && text) {
              try {
                body = JSON.parse(text);
              } catch {
                body = text;
              }
            }
            resolvePromise({ status: res.statusCode ?? 0, body: body as T });
          });
        },
      );
      req.on('timeout', () =>
        req.destroy(Object.assign(new Error(`${method} ${path}: timed out`), { code: 'ETIMEDOUT' })),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** Like `request`, but throws KubeError unless the status is 2xx. */
  async call<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.request<T>(method, path, opts);
    if (res.status < 200 || res.status > 299) throw new KubeError(method, path, res.status, res.body);
    return res.body;
  }

  get<T = unknown>(path: string, query?: RequestOptions['query']): Promise<T> {
    return this.call<T>('GET', path, query ? { query } : {});
  }

  /** GET that answers undefined on 404. */
  async tryGet<T = unknown>(path: string): Promise<T | undefined> {
    const res = await this.request<T>('GET', path);
    if (res.status === 404) return undefined;
    if (res.status < 200 || res.status > 299) throw new KubeError('GET', path, res.status, res.body);
    return res.body;
  }

  /** Server-side apply (creates or updates), forcing ownership for `fieldManager`. */
  apply<T = unknown>(path: string, obj: unknown, fieldManager = 'cluster-mcp-seed'): Promise<T> {
    return this.call<T>('PATCH', path, {
      body: obj,
      contentType: 'application/apply-patch+yaml',
      query: { fieldManager, force: true },
    });
  }

  mergePatch<T = unknown>(path: string, patch: unknown): Promise<T> {
    return this.call<T>('PATCH', path, { body: patch, contentType: 'application/merge-patch+json' });
  }

  /** POST that treats AlreadyExists as success; answers true when it created the object. */
  async createIfMissing(path: string, obj: unknown): Promise<boolean> {
    const res = await this.request('POST', path, { body: obj });
    if (res.status === 409) return false;
    if (res.status < 200 || res.status > 299) throw new KubeError('POST', path, res.status, res.body);
    return true;
  }

  /** DELETE that treats NotFound as success. */
  async deleteIfExists(path: string, query?: RequestOptions['query']): Promise<void> {
    const res = await this.request('DELETE', path, query ? { query } : {});
    if (res.status === 404 || (res.status >= 200 && res.status < 300)) return;
    throw new KubeError('DELETE', path, res.status, res.body);
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Polls `check` every `intervalMs` until it answers true or `timeoutMs` passes (then throws naming `what`). */
export async function waitFor(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs = 60_000,
  intervalMs = 100,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
      lastErr = undefined;
    } catch (e) {
      lastErr = e;
    }
    await delay(intervalMs);
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${lastErr ? `: ${String(lastErr)}` : ''}`,
  );
}

/** Runs `fn` over `items` with at most `concurrency` in flight; rejects on the first failure. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async (): Promise<void> => {
    while (failed === undefined && next < items.length) {
      const i = next++;
      try {
        await fn(items[i] as T, i);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failed !== undefined) throw failed;
}
