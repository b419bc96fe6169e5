/**
 * The shared HTTP client for Prometheus, Alertmanager, Loki and ntfy: base URL, credentials (bearer token or
 * basic auth, from env or a mounted file re-read when it changes), a per-backend timeout combined with the
 * caller's abort signal, a cap on bytes read, upstream metrics, and errors that name the backend and URL
 * without credentials.
 */
import { readFileSync, statSync } from 'node:fs';
import type { BackendConfig, BackendName } from '../config.ts';
import { excerpt, NotConfiguredError, UpstreamError } from '../mcp/errors.ts';
import { type Metrics, statusClass } from '../metrics.ts';

const DISPLAY: Record<BackendName, string> = {
  prometheus: 'Prometheus',
  alertmanager: 'Alertmanager',
  loki: 'Loki',
  ntfy: 'ntfy',
};

/** Readiness path of each backend. */
const READY_PATH: Record<BackendName, string> = {
  prometheus: '/-/ready',
  alertmanager: '/-/ready',
  loki: '/ready',
  ntfy: '/v1/health',
};

/** A file whose content is re-read when its mtime or size changes (rotated Secrets). */
class WatchedFile {
  private readonly path: string;
  private stamp = '';
  private value = '';
  constructor(path: string) {
    this.path = path;
  }
  read(): string {
    const st = statSync(this.path);
    const stamp = `${st.mtimeMs}:${st.size}`;
    if (stamp !== this.stamp) {
      this.value = readFileSync(this.path, 'utf8').trim();
      this.stamp = stamp;
    }
    return this.value;
  }
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined | (string | number)[]>;
  method?: 'GET' | 'POST';
  /** Form-encoded body for POST. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Statuses that are returned to the caller instead of thrown (e.g. 400 for query parse errors). */
  passStatuses?: number[];
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  text: string;
}

export class HttpBackend {
  readonly name: BackendName;
  readonly display: string;
  readonly baseUrl: string | undefined;
  private readonly cfg: BackendConfig;
  private readonly maxBytes: number;
  private readonly metrics: Metrics;
  private readonly tokenFile?: WatchedFile;
  private readonly passwordFile?: WatchedFile;

  constructor(cfg: BackendConfig, maxBytes: number, metrics: Metrics) {
    this.cfg = cfg;
    this.name = cfg.name;
    this.display = DISPLAY[cfg.name];
    this.baseUrl = cfg.url;
    this.maxBytes = maxBytes;
    this.metrics = metrics;
    if (cfg.tokenFile) this.tokenFile = new WatchedFile(cfg.tokenFile);
    if (cfg.passwordFile) this.passwordFile = new WatchedFile(cfg.passwordFile);
  }

  get configured(): boolean {
    return this.baseUrl !== undefined;
  }

  get timeoutMs(): number {
    return this.cfg.timeoutMs;
  }

  /** Throws the "how to configure it" error when the backend has no URL. */
  requireConfigured(): string {
    if (!this.baseUrl)
      throw new NotConfiguredError(this.display, `${this.name.toUpperCase()}_URL (--${this.name}-url)`);
    return this.baseUrl;
  }

  private authHeader(): string | undefined {
    const token = this.tokenFile?.read() ?? this.cfg.token;
    if (token) return `Bearer ${token}`;
    if (this.cfg.username) {
      const password = this.passwordFile?.read() ?? '';
      return `Basic ${Buffer.from(`${this.cfg.username}:${password}`).toString('base64')}`;
    }
    return undefined;
  }

  /** Builds the request URL; the returned display form carries no query string (queries may hold secrets). */
  private url(path: string, query: RequestOptions['query']): URL {
    const u = new URL(this.requireConfigured() + path);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v) u.searchParams.append(k, String(item));
      else u.searchParams.set(k, String(v));
    }
    return u;
  }

  /** Performs one request. Non-2xx answers throw UpstreamError unless listed in `passStatuses`. */
  async request(path: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    const u = this.url(path, opts.query);
    const shown = `${u.origin}${u.pathname}`;
    const timeout = AbortSignal.timeout(this.cfg.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.cfg.headers,
      ...opts.headers,
    };
    const auth = this.authHeader();
    if (auth) headers.authorization = auth;
    let body: string | undefined;
    if (opts.form) {
      body = new URLSearchParams(opts.form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const started = performance.now();
    let outcome: number | string = 'error';
    try {
      const res = await fetch(u, { method: opts.method ?? 'GET', headers, body, signal, redirect: 'manual' });
      outcome = res.status;
      const text = await this.readCapped(res, shown);
      if ((res.status < 200 || res.status > 299) && !opts.passStatuses?.includes(res.status)) {
        throw new UpstreamError(
          `${this.display} at ${shown} answered HTTP ${res.status}: ${excerpt(text) || res.statusText}`,
          { backend: this.name, url: shown, status: res.status, body: excerpt(text) },
        );
      }
      return { status: res.status, headers: res.headers, text };
    } catch (err) {
      if (err instanceof UpstreamError) throw err;
      if (timeout.aborted) {
        outcome = 'timeout';
        throw new UpstreamError(
          `${this.display} did not answer within ${this.cfg.timeoutMs} ms at ${shown}; it may be overloaded or unreachable, or the query too expensive (narrow it).`,
          { backend: this.name, url: shown },
        );
      }
      if (opts.signal?.aborted) {
        outcome = 'cancelled';
        throw new UpstreamError(
          `request to ${this.display} at ${shown} was cancelled (call deadline reached)`,
          {
            backend: this.name,
            url: shown,
          },
        );
      }
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (err as Error).message;
      throw new UpstreamError(`${this.display} is unreachable at ${shown}: ${why}`, {
        backend: this.name,
        url: shown,
      });
    } finally {
      this.metrics.upstreamRequests.inc({ backend: this.name, status_class: statusClass(outcome) });
      this.metrics.upstreamDuration.observe({ backend: this.name }, (performance.now() - started) / 1000);
    }
  }

  /** Reads the body as text, failing once it passes the byte cap. */
  private async readCapped(res: Response, shown: string): Promise<string> {
    const declared = Number(res.headers.get('content-length') ?? '0');
    if (declared > this.maxBytes) {
      await res.body?.cancel();
      throw this.tooLarge(shown);
    }
    if (!res.body) return '';
    const reader = res.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > this.maxBytes) {
        await reader.cancel();
        throw this.tooLarge(shown);
      }
      chunks.push(value);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private tooLarge(shown: string): UpstreamError {
    return new UpstreamError(
      `${this.display} answer from ${shown} is larger than ${this.maxBytes} bytes; narrow the query (shorter time range, more specific selector, fewer series, lower limit).`,
      { backend: this.name, url: shown },
    );
  }

  /** GET and parse JSON. */
  async getJson<T>(path: string, opts: RequestOptions = {}): Promise<{ status: number; data: T }> {
    const res = await this.request(path, opts);
    try {
      return { status: res.status, data: JSON.parse(res.text) as T };
    } catch {
      throw new UpstreamError(`${this.display} answered non-JSON from ${path}: ${excerpt(res.text, 200)}`, {
        backend: this.name,
        status: res.status,
      });
    }
  }

  /** Readiness probe used by /readyz and get_version. */
  async ping(signal?: AbortSignal): Promise<void> {
    await this.request(READY_PATH[this.name], { signal, headers: { accept: '*/*' } });
  }
}
