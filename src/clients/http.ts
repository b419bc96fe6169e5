/**
 * The shared HTTP client for Prometheus, Alertmanager, Loki and ntfy: base URL, credentials (bearer token or
 * basic auth, from env or a mounted file re-read when it changes), extra headers (Loki tenant), a per-backend
 * timeout combined with the caller's abort signal, a cap on bytes read, upstream metrics, and errors that name
 * the backend and URL without credentials or query strings.
 */
import { readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { z } from 'zod';
import type { BackendConfig, BackendName } from '../config.ts';
import { excerpt, NotConfiguredError, UpstreamError } from '../mcp/errors.ts';
import { type Metrics, statusClass } from '../metrics.ts';
import { deadline } from '../util/deadline.ts';
import { redactSecrets } from '../util/redact.ts';

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

/** Connection errors after which one retry of an idempotent GET is safe (a pooled socket the peer closed). */
const RETRYABLE = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

/** A file whose content is re-read when its mtime or size changes (rotated Secrets). */
class WatchedFile {
  readonly path: string;
  private stamp = '';
  private value = '';
  constructor(path: string) {
    this.path = path;
  }
  read(): string {
    const st = statSync(this.path);
    const stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    if (stamp !== this.stamp) {
      this.value = readFileSync(this.path, 'utf8').trim();
      this.stamp = stamp;
    }
    return this.value;
  }
}

export type QueryValue = string | number | boolean | undefined | (string | number)[];

export interface RequestOptions {
  query?: Record<string, QueryValue>;
  method?: 'GET' | 'POST';
  /** Form-encoded body for POST. */
  form?: Record<string, string>;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Statuses that are returned to the caller instead of thrown (e.g. 400 for query parse errors). */
  passStatuses?: number[];
}

/** Response headers, looked up case-insensitively. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

export interface HttpResponse {
  status: number;
  headers: ResponseHeaders;
  text: string;
  /** The URL without credentials or query string, for messages. */
  url: string;
}

/** One backend reached over HTTP. Tools use it through the typed clients next to this file. */
export class HttpBackend {
  readonly name: BackendName;
  readonly display: string;
  /** Base URL without credentials (safe to show); undefined when not configured. */
  readonly baseUrl: string | undefined;
  private readonly cfg: BackendConfig;
  private readonly httpAgent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 16 });
  private readonly maxBytes: number;
  private readonly metrics: Metrics;
  private readonly tokenFile?: WatchedFile;
  private readonly passwordFile?: WatchedFile;
  /** user:password given inside the URL, moved to a Basic header because fetch refuses URLs with credentials. */
  private readonly urlCredentials?: { username: string; password: string };

  constructor(cfg: BackendConfig, maxBytes: number, metrics: Metrics) {
    this.cfg = cfg;
    this.name = cfg.name;
    this.display = DISPLAY[cfg.name];
    this.maxBytes = maxBytes;
    this.metrics = metrics;
    if (cfg.url) {
      const u = new URL(cfg.url);
      if (u.username || u.password) {
        this.urlCredentials = {
          username: decodeURIComponent(u.username),
          password: decodeURIComponent(u.password),
        };
        u.username = '';
        u.password = '';
      }
      this.baseUrl = u.toString().replace(/\/+$/, '');
    }
    if (cfg.tokenFile) this.tokenFile = new WatchedFile(cfg.tokenFile);
    if (cfg.passwordFile) this.passwordFile = new WatchedFile(cfg.passwordFile);
  }

  get configured(): boolean {
    return this.baseUrl !== undefined;
  }

  get timeoutMs(): number {
    return this.cfg.timeoutMs;
  }

  /** The env-var prefix of this backend's settings (`PROMETHEUS`), for messages. */
  private get envPrefix(): string {
    return this.name.toUpperCase();
  }

  /** Throws the "how to configure it" error when the backend has no URL. */
  requireConfigured(): string {
    if (!this.baseUrl)
      throw new NotConfiguredError(this.display, `${this.envPrefix}_URL (--${this.name}-url)`);
    return this.baseUrl;
  }

  private readSecretFile(file: WatchedFile, setting: string): string {
    try {
      return file.read();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new UpstreamError(
        `cannot read ${this.display} credentials from ${setting} (${file.path}): ${code}; fix the mounted file or the setting.`,
        { backend: this.name },
      );
    }
  }

  private authHeader(): string | undefined {
    const token = this.tokenFile
      ? this.readSecretFile(this.tokenFile, `${this.envPrefix}_TOKEN_FILE`)
      : this.cfg.token;
    if (token) return `Bearer ${token}`;
    if (this.cfg.username) {
      const password = this.passwordFile
        ? this.readSecretFile(this.passwordFile, `${this.envPrefix}_PASSWORD_FILE`)
        : (this.urlCredentials?.password ?? '');
      return `Basic ${Buffer.from(`${this.cfg.username}:${password}`).toString('base64')}`;
    }
    if (this.urlCredentials) {
      const { username, password } = this.urlCredentials;
      return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
    }
    return undefined;
  }

  private url(path: string, query: RequestOptions['query']): URL {
    const u = new URL(this.requireConfigured() + path);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v === undefined) continue;
      if (Array.isArray(v)) for (const item of v) u.searchParams.append(k, String(item));
      else u.searchParams.set(k, String(v));
    }
    return u;
  }

  /**
   * Performs one request. Non-2xx answers throw UpstreamError unless listed in `passStatuses`; timeouts,
   * cancellation, refused connections and oversize answers throw UpstreamError naming the backend and URL.
   */
  async request(path: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    const u = this.url(path, opts.query);
    // Messages carry no query string: queries and topics may be sensitive, and the model knows what it asked.
    const shown = `${u.origin}${u.pathname}`;
    const method = opts.method ?? 'GET';
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
    const due = deadline(this.cfg.timeoutMs, opts.signal);
    const signal = due.signal;
    const started = performance.now();
    let outcome: number | string = 'error';
    try {
      let res: http.IncomingMessage;
      try {
        res = await this.send(u, method, headers, body, signal);
      } catch (err) {
        // A pooled keep-alive connection the backend had already closed: one retry on a fresh one.
        if (method !== 'GET' || signal.aborted || !RETRYABLE.has(errorCode(err) ?? '')) throw err;
        res = await this.send(u, method, headers, body, signal);
      }
      const status = res.statusCode ?? 0;
      outcome = status;
      const got = responseHeaders(res);
      const text = await this.readCapped(res, got, shown);
      if ((status < 200 || status > 299) && !opts.passStatuses?.includes(status)) {
        throw this.statusError(status, res.statusMessage ?? '', got, text, shown);
      }
      return { status, headers: got, text, url: shown };
    } catch (err) {
      if (err instanceof UpstreamError) throw err;
      if (due.expired) {
        outcome = 'timeout';
        throw new UpstreamError(
          `${this.display} did not answer within ${this.cfg.timeoutMs} ms at ${shown}; it may be overloaded or unreachable, or the query too expensive (narrow it; the limit is ${this.envPrefix}_TIMEOUT_MS).`,
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
      throw new UpstreamError(
        `${this.display} is unreachable at ${shown}: ${errorCode(err) ?? 'network error'}`,
        {
          backend: this.name,
          url: shown,
        },
      );
    } finally {
      due.clear();
      this.metrics.upstreamRequests.inc({ backend: this.name, status_class: statusClass(outcome) });
      this.metrics.upstreamDuration.observe({ backend: this.name }, (performance.now() - started) / 1000);
    }
  }

  private statusError(
    status: number,
    statusText: string,
    headers: ResponseHeaders,
    text: string,
    shown: string,
  ): UpstreamError {
    const body = redactSecrets(excerpt(text));
    let advice = '';
    if (status === 401 || status === 403) {
      advice = ` Check the credentials (${this.envPrefix}_TOKEN_FILE, ${this.envPrefix}_TOKEN or ${this.envPrefix}_USERNAME/${this.envPrefix}_PASSWORD_FILE).`;
    } else if (status >= 300 && status < 400) {
      const to = headers.get('location');
      advice = ` It redirects${to ? ` to ${to.split('?')[0]}` : ''}; set ${this.envPrefix}_URL to the final address.`;
    } else if ([429, 502, 503, 504].includes(status)) {
      advice = ' Retry later.';
    }
    return new UpstreamError(
      `${this.display} at ${shown} answered HTTP ${status}${body ? `: ${body}` : ` ${statusText}`}${advice ? ` —${advice}` : ''}`,
      { backend: this.name, url: shown, status, body },
    );
  }

  /**
   * Sends one request with node's http(s) client and a keep-alive agent per backend; resolves when the headers
   * arrived. node:http rather than fetch: fetch loads a second HTTP stack (about 17 MB of resident memory).
   * Redirects are not followed.
   */
  private send(
    u: URL,
    method: string,
    headers: Record<string, string>,
    body: string | undefined,
    signal: AbortSignal,
  ): Promise<http.IncomingMessage> {
    const secure = u.protocol === 'https:';
    const agent = secure ? this.httpsAgent : this.httpAgent;
    const client = secure ? https : http;
    return new Promise((resolve, reject) => {
      const req = client.request(u, { method, headers, agent, signal }, resolve);
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Reads the body as text, failing once it passes the byte cap. */
  private async readCapped(
    res: http.IncomingMessage,
    headers: ResponseHeaders,
    shown: string,
  ): Promise<string> {
    const declared = Number(headers.get('content-length') ?? '0');
    if (declared > this.maxBytes) {
      res.destroy();
      throw this.tooLarge(shown);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res) {
      size += (chunk as Buffer).byteLength;
      if (size > this.maxBytes) {
        res.destroy();
        throw this.tooLarge(shown);
      }
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private tooLarge(shown: string): UpstreamError {
    return new UpstreamError(
      `${this.display} answer from ${shown} is larger than ${this.maxBytes} bytes (BACKEND_MAX_RESPONSE_BYTES); narrow the query (shorter time range, more specific selector, fewer series, lower limit, larger step).`,
      { backend: this.name, url: shown },
    );
  }

  /** Parses a JSON body and checks it against the upstream envelope schema. */
  parseJson<S extends z.ZodType>(res: HttpResponse, schema: S): z.output<S> {
    let data: unknown;
    try {
      data = JSON.parse(res.text);
    } catch {
      throw new UpstreamError(
        `${this.display} at ${res.url} answered HTTP ${res.status} with non-JSON: ${redactSecrets(excerpt(res.text, 200))}`,
        { backend: this.name, url: res.url, status: res.status },
      );
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new UpstreamError(
        `${this.display} at ${res.url} answered an unexpected shape (${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}); is ${this.envPrefix}_URL pointing at ${this.display}?`,
        { backend: this.name, url: res.url, status: res.status },
      );
    }
    return parsed.data;
  }

  /** GET (or POST) and parse JSON against a schema. */
  async json<S extends z.ZodType>(path: string, schema: S, opts: RequestOptions = {}): Promise<z.output<S>> {
    return this.parseJson(await this.request(path, opts), schema);
  }

  /** Closes the pooled connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  /** Readiness probe used by /readyz and get_version. */
  async ping(signal?: AbortSignal): Promise<void> {
    await this.request(READY_PATH[this.name], { signal, headers: { accept: '*/*' } });
  }
}

/** The most specific code of a request failure (`ECONNREFUSED`, `UND_ERR_SOCKET`, …), never a URL or header. */
/** Case-insensitive access to a node response's headers. */
function responseHeaders(res: http.IncomingMessage): ResponseHeaders {
  return {
    get(name: string): string | null {
      const v = res.headers[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };
}

function errorCode(err: unknown): string | undefined {
  const own = (err as { code?: unknown } | undefined)?.code;
  if (typeof own === 'string') return own;
  const cause = (err as { cause?: { code?: string; message?: string; cause?: { code?: string } } }).cause;
  return cause?.code ?? cause?.cause?.code ?? cause?.message ?? (err as Error | undefined)?.message;
}
