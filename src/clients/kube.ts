/**
 * Kubernetes API access. Credentials come from `kubeconfig.ts` (in-cluster service account or kubeconfig);
 * requests go through node:https directly so each one honours the tool call's abort signal and timeout and skips
 * client-node's model deserialisation, which dominates the cost of large lists. Responses are typed with
 * `@kubernetes/client-node`'s types (type-only imports: nothing of it is loaded at run time).
 */
import http from 'node:http';
import https from 'node:https';
import { type Config, ConfigError } from '../config.ts';
import { excerpt, UpstreamError } from '../mcp/errors.ts';
import { type Metrics, statusClass } from '../metrics.ts';
import { deadline } from '../util/deadline.ts';
import { type KubeAccess, loadKubeAccess } from './kubeconfig.ts';

/** A Kubernetes `Status` failure: status code, reason (Forbidden, NotFound, BadRequest…) and message. */
export class KubeApiError extends UpstreamError {
  readonly status: number;
  readonly reason: string;
  readonly apiMessage: string;
  constructor(status: number, reason: string, apiMessage: string, url: string) {
    super(`Kubernetes API answered ${status} ${reason}: ${apiMessage}`, {
      backend: 'kubernetes',
      url,
      status,
      body: excerpt(apiMessage),
    });
    this.status = status;
    this.reason = reason;
    this.apiMessage = apiMessage;
  }
}

/** One event of a watch stream: ADDED, MODIFIED, DELETED, BOOKMARK (only a new resourceVersion) or ERROR (a Status). */
export interface WatchEvent<T = unknown> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

/** Splits a watch response body into its newline-delimited JSON events, holding at most one partial line. */
async function* watchEvents<T>(body: AsyncIterable<Uint8Array>): AsyncGenerator<WatchEvent<T>> {
  const decoder = new TextDecoder();
  let buf = '';
  for await (const chunk of body) {
    buf += decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n', start)) {
      const line = buf.slice(start, nl);
      start = nl + 1;
      if (line.trim()) yield JSON.parse(line) as WatchEvent<T>;
    }
    buf = buf.slice(start);
  }
  const rest = (buf + decoder.decode()).trim();
  if (rest) yield JSON.parse(rest) as WatchEvent<T>;
}

export interface KubeVersion {
  gitVersion: string;
  platform?: string;
  goVersion?: string;
}

export interface KubeGetOptions {
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
  /** Accept header; e.g. the server-side Table form (`application/json;as=Table;v=v1;g=meta.k8s.io`). */
  accept?: string;
}

interface AuthState {
  agent: http.Agent;
  headers: Record<string, string>;
  expires: number;
  /** The client certificate the agent was built with; a new one (exec plugin renewal) needs a new agent. */
  cert: unknown;
}

export class KubeClient {
  readonly server: string;
  readonly contextName: string;
  readonly inCluster: boolean;
  private readonly access: KubeAccess;
  private readonly timeoutMs: number;
  private readonly metrics: Metrics;
  private auth?: Promise<AuthState>;
  private versionCache?: { at: number; value: KubeVersion };
  private readonly discoveryCache = new Map<string, { at: number; value: Promise<string[] | null> }>();

  private constructor(access: KubeAccess, timeoutMs: number, metrics: Metrics) {
    this.access = access;
    this.inCluster = access.inCluster;
    this.server = access.server;
    this.contextName = access.contextName;
    this.timeoutMs = timeoutMs;
    this.metrics = metrics;
  }

  /** In-cluster service account when running in a pod, else the current kubeconfig context (KUBECONFIG honoured). */
  static create(config: Config, metrics: Metrics, env: NodeJS.ProcessEnv = process.env): KubeClient {
    try {
      return new KubeClient(loadKubeAccess(env, config.kube.context), config.kube.timeoutMs, metrics);
    } catch (err) {
      // A missing or broken kubeconfig is a configuration problem, reported like any other bad setting.
      throw new ConfigError([`Kubernetes access: ${(err as Error).message}`]);
    }
  }

  /** TLS agent and auth headers, refreshed every minute so rotated service-account tokens are picked up. */
  private async authState(): Promise<AuthState> {
    const cur = this.auth ? await this.auth.catch(() => undefined) : undefined;
    if (cur && cur.expires > Date.now()) return cur;
    this.auth = (async () => {
      const { headers, ...tls } = await this.access.credentials();
      let agent = cur?.agent;
      if (!agent || cur?.cert !== tls.cert) {
        agent = this.server.startsWith('https:')
          ? new https.Agent({ ...tls, keepAlive: true, maxSockets: 16 })
          : new http.Agent({ keepAlive: true, maxSockets: 16 });
        cur?.agent.destroy();
      }
      return { agent, headers, expires: Date.now() + 60_000, cert: tls.cert };
    })();
    return this.auth;
  }

  /** The request URL with its query, and the form shown in errors (no query: selectors may be long). */
  private url(path: string, query: KubeGetOptions['query']): { u: URL; shown: string } {
    const u = new URL(this.server + path);
    for (const [k, v] of Object.entries(query ?? {}))
      if (v !== undefined && v !== '') u.searchParams.set(k, String(v));
    return { u, shown: `${u.origin}${u.pathname}` };
  }

  /**
   * Sends a GET with node's own http(s) client (keep-alive agent with the cluster's TLS material) and resolves
   * with the response once its headers arrived. node:https rather than undici: the npm undici package alone
   * costs about 25 MB of resident memory.
   */
  private async send(u: URL, accept: string, signal: AbortSignal): Promise<http.IncomingMessage> {
    const { agent, headers } = await this.authState();
    const client = u.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.request(u, { headers: { ...headers, accept }, agent, signal }, resolve);
      req.on('error', reject);
      req.end();
    });
  }

  /** The KubeApiError for a non-2xx answer, from its `Status` body when it has one. */
  private apiError(res: http.IncomingMessage, text: string, shown: string): KubeApiError {
    let reason = res.statusMessage ?? '';
    let message = excerpt(text);
    try {
      const status = JSON.parse(text) as { reason?: string; message?: string };
      reason = status.reason ?? reason;
      message = status.message ?? message;
    } catch {
      // not a Status object; keep the excerpt
    }
    return new KubeApiError(res.statusCode ?? 0, reason, message, shown);
  }

  /** Why a request failed before an answer: unreachable, with the network error's code. */
  private unreachable(err: unknown, shown: string): UpstreamError {
    const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
    const why = e.code ?? e.cause?.code ?? e.cause?.message ?? e.message;
    return new UpstreamError(`Kubernetes API is unreachable at ${this.server}: ${why}`, {
      backend: 'kubernetes',
      url: shown,
    });
  }

  /** GET a path of the API server and parse the JSON answer; failures become KubeApiError / UpstreamError. */
  async get<T>(path: string, opts: KubeGetOptions = {}): Promise<T> {
    const text = await this.getText(path, opts);
    return JSON.parse(text) as T;
  }

  /** GET a path and return the raw body text. */
  async getText(path: string, opts: KubeGetOptions = {}): Promise<string> {
    const { u, shown } = this.url(path, opts.query);
    const due = deadline(this.timeoutMs, opts.signal);
    const started = performance.now();
    let outcome: number | string = 'error';
    try {
      const res = await this.send(u, opts.accept ?? 'application/json', due.signal);
      outcome = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      for await (const chunk of res) chunks.push(chunk as Buffer);
      const text = Buffer.concat(chunks).toString('utf8');
      if (outcome >= 200 && outcome < 300) return text;
      throw this.apiError(res, text, shown);
    } catch (err) {
      if (err instanceof UpstreamError) throw err;
      if (due.expired) {
        outcome = 'timeout';
        throw new UpstreamError(
          `Kubernetes API at ${this.server} did not answer within ${this.timeoutMs} ms (${u.pathname}); it may be overloaded or unreachable.`,
          { backend: 'kubernetes', url: shown },
        );
      }
      if (opts.signal?.aborted) {
        outcome = 'cancelled';
        throw new UpstreamError('Kubernetes request cancelled (call deadline reached)', {
          backend: 'kubernetes',
          url: shown,
        });
      }
      throw this.unreachable(err, shown);
    } finally {
      due.clear();
      this.metrics.upstreamRequests.inc({ backend: 'kubernetes', status_class: statusClass(outcome) });
      this.metrics.upstreamDuration.observe({ backend: 'kubernetes' }, (performance.now() - started) / 1000);
    }
  }

  /**
   * Opens a watch (`?watch=1`) on a collection and yields its events as they arrive: the API server streams one
   * JSON object per line over a long-lived response. Only the response headers are bound by the request timeout;
   * the stream lasts until the server ends it (`timeoutSeconds`), `opts.signal` aborts it, or the connection
   * fails (the iterator then throws). A non-2xx answer throws KubeApiError before any event.
   */
  async watch<T = unknown>(path: string, opts: KubeGetOptions = {}): Promise<AsyncGenerator<WatchEvent<T>>> {
    const { u, shown } = this.url(path, { ...opts.query, watch: 1 });
    // The stream outlives the header deadline, so it gets its own controller: aborted by the caller, or by the
    // timer only until the headers arrived.
    const stream = new AbortController();
    const onAbort = () => stream.abort(opts.signal?.reason);
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
    let headersLate = false;
    const timer = setTimeout(() => {
      headersLate = true;
      stream.abort();
    }, this.timeoutMs);
    const started = performance.now();
    let outcome: number | string = 'error';
    let res: http.IncomingMessage;
    try {
      res = await this.send(u, 'application/json', stream.signal);
      outcome = res.statusCode ?? 0;
      if (outcome < 200 || outcome >= 300) {
        const chunks: Buffer[] = [];
        for await (const chunk of res) chunks.push(chunk as Buffer);
        throw this.apiError(res, Buffer.concat(chunks).toString('utf8'), shown);
      }
    } catch (err) {
      opts.signal?.removeEventListener('abort', onAbort);
      if (err instanceof UpstreamError) throw err;
      if (headersLate) {
        outcome = 'timeout';
        throw new UpstreamError(
          `Kubernetes API at ${this.server} did not answer within ${this.timeoutMs} ms (watch ${u.pathname}).`,
          { backend: 'kubernetes', url: shown },
        );
      }
      if (opts.signal?.aborted) {
        outcome = 'cancelled';
        throw new UpstreamError('Kubernetes watch cancelled', { backend: 'kubernetes', url: shown });
      }
      throw this.unreachable(err, shown);
    } finally {
      clearTimeout(timer);
      this.metrics.upstreamRequests.inc({ backend: 'kubernetes', status_class: statusClass(outcome) });
      this.metrics.upstreamDuration.observe({ backend: 'kubernetes' }, (performance.now() - started) / 1000);
    }
    const detach = () => opts.signal?.removeEventListener('abort', onAbort);
    res.once('close', detach);
    return watchEvents<T>(res);
  }

  /**
   * The API server's `/version`. With `maxAgeMs`, a successful answer younger than that is reused: the version
   * changes only on upgrades, and get_version must stay a trivial call under load.
   */
  async version(signal?: AbortSignal, maxAgeMs = 0): Promise<KubeVersion> {
    const hit = this.versionCache;
    if (maxAgeMs > 0 && hit && Date.now() - hit.at < maxAgeMs) return hit.value;
    const value = await this.get<KubeVersion>('/version', { signal });
    this.versionCache = { at: Date.now(), value };
    return value;
  }

  /**
   * Versions of an API group the server serves, preferred first (null when the group is absent).
   * Cached for 30 s so tools can call it on every request.
   */
  async groupVersions(group: string, signal?: AbortSignal): Promise<string[] | null> {
    const hit = this.discoveryCache.get(group);
    if (hit && Date.now() - hit.at < 30_000) return hit.value;
    const value = (async () => {
      try {
        const g = await this.get<{
          versions?: { version: string }[];
          preferredVersion?: { version: string };
        }>(`/apis/${group}`, { signal });
        const versions = (g.versions ?? []).map((v) => v.version);
        const pref = g.preferredVersion?.version;
        return pref ? [pref, ...versions.filter((v) => v !== pref)] : versions;
      } catch (err) {
        if (err instanceof KubeApiError && err.status === 404) return null;
        throw err;
      }
    })();
    this.discoveryCache.set(group, { at: Date.now(), value });
    value.catch(() => this.discoveryCache.delete(group));
    return value;
  }

  /** Forgets cached discovery (tests that add or remove CRDs call this through a fresh app instead). */
  clearDiscovery(): void {
    this.discoveryCache.clear();
  }

  async close(): Promise<void> {
    const a = this.auth ? await this.auth.catch(() => undefined) : undefined;
    a?.agent.destroy();
  }
}
