/**
 * Loki STAND-IN for the sandbox — NOT Grafana Loki.
 *
 * Grafana Loki cannot be used here (its module is AGPL and marked not-to-use on this machine's Go proxy list),
 * so this small server speaks the parts of Loki's HTTP API that cluster-mcp uses, with upstream's request
 * parameters, response envelopes and error texts (Loki 3.x, pkg/loghttp and pkg/logql/syntax):
 *
 *   POST /loki/api/v1/push                       JSON (optionally gzip); 204
 *   GET|POST /loki/api/v1/query_range            streams, or a matrix for metric queries
 *   GET|POST /loki/api/v1/query                  vector for metric queries (log queries: 400, like Loki 3)
 *   GET /loki/api/v1/labels, /loki/api/v1/label/<name>/values, /loki/api/v1/series
 *   GET /ready, /metrics, /loki/api/v1/status/buildinfo
 *
 * LogQL: the subset in logql.ts. Errors are Loki's: HTTP 400 with a plain-text body such as
 * `parse error at line 1, col 5: syntax error: unexpected IDENTIFIER`. Valid LogQL outside the subset gets
 * HTTP 501 with a body saying so (real Loki would evaluate it).
 *
 * Tenancy: X-Scope-OrgID selects the tenant for pushes and queries; without the header the tenant is "fake",
 * like Loki with auth_enabled: false. With --require-tenant a missing header is 401 `no org id` (auth_enabled).
 * Data lives in memory and is re-seeded by sandbox/obs/seed-logs.ts when the stand-in starts.
 *
 *   node sandbox/obs/loki-standin.ts --port 13100 --state-dir .sandbox/data/loki [--require-tenant]
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import {
  type LogQuery,
  type MetricQuery,
  matchLabels,
  matchLine,
  NotImplementedError,
  ParseError,
  parseGoDuration,
  parsePromDuration,
  parseQuery,
} from './logql.ts';

const MAX_ENTRIES_LIMIT = 5000;
const DEFAULT_LIMIT = 100;
const DEFAULT_SINCE_MS = 3600_000;
const DEFAULT_TENANT = 'fake';
const VERSION = '3.4.2-sandbox-standin';

interface Entry {
  ts: bigint;
  line: string;
}
interface Stream {
  labels: Record<string, string>;
  key: string;
  entries: Entry[];
}

/** tenant -> stream key -> stream */
const store = new Map<string, Map<string, Stream>>();
const requests = new Map<string, number>();

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/** Loki's label string: {a="1", b="2"} with sorted names. */
function labelsKey(labels: Record<string, string>): string {
  return `{${Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`)
    .join(', ')}}`;
}

function sortedLabels(labels: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(labels).sort()) out[k] = labels[k] as string;
  return out;
}

function tenantStreams(tenant: string): Map<string, Stream> {
  let m = store.get(tenant);
  if (!m) {
    m = new Map();
    store.set(tenant, m);
  }
  return m;
}

/** Inserts keeping entries sorted by time; an identical (time, line) pair is dropped like Loki's dedupe. */
function insert(stream: Stream, e: Entry): void {
  const xs = stream.entries;
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as Entry).ts <= e.ts) lo = mid + 1;
    else hi = mid;
  }
  for (let i = lo - 1; i >= 0 && (xs[i] as Entry).ts === e.ts; i--)
    if ((xs[i] as Entry).line === e.line) return;
  xs.splice(lo, 0, e);
}

// ---------------------------------------------------------------------------------------------------------------
// Parameters (pkg/loghttp/params.go)
// ---------------------------------------------------------------------------------------------------------------

/** Go's strconv error text. */
function atoiError(fn: string, value: string): string {
  return `${fn}: parsing ${JSON.stringify(value)}: invalid syntax`;
}

/** RFC 3339 (with optional fraction), then a float with '.', then an integer: seconds up to 1e10, else ns. */
function parseTimestamp(value: string | null, def: bigint): bigint {
  if (value === null || value === '') return def;
  const rfc = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(
    value,
  );
  if (rfc) {
    const ms = Date.parse(`${value.slice(0, 19)}${rfc[8]?.toUpperCase() === 'Z' ? 'Z' : rfc[8]}`);
    if (!Number.isNaN(ms)) {
      const frac = (rfc[7] ?? '').slice(1).padEnd(9, '0').slice(0, 9);
      return BigInt(ms) * 1_000_000n + BigInt(frac || '0');
    }
  }
  if (value.includes('.')) {
    const f = Number(value);
    if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value) || Number.isNaN(f))
      throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(value)}: invalid syntax`);
    if (!Number.isFinite(f)) throw new Error('floating point timestamp is NaN or Inf');
    const high = Math.trunc(f);
    if (high <= 1e10)
      return BigInt(high) * 1_000_000_000n + BigInt(Math.round((f - high) * 1000)) * 1_000_000n;
    return BigInt(high);
  }
  if (!/^[+-]?\d+$/.test(value)) throw new Error(atoiError('strconv.ParseInt', value));
  const v = BigInt(value);
  return v <= 10_000_000_000n ? v * 1_000_000_000n : v;
}

function nowNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/** determineBounds: since (default 1h) counts back from min(end, now). */
function bounds(form: URLSearchParams): { start: bigint; end: bigint } {
  const now = nowNs();
  let sinceNs = BigInt(DEFAULT_SINCE_MS) * 1_000_000n;
  const since = form.get('since');
  if (since) {
    const ms = parsePromDuration(since);
    if (ms === undefined)
      throw new HttpError(
        400,
        `could not parse 'since' parameter: not a valid duration string: ${JSON.stringify(since)}`,
      );
    sinceNs = BigInt(ms) * 1_000_000n;
  }
  let end: bigint;
  try {
    end = parseTimestamp(form.get('end'), now);
  } catch (e) {
    throw new HttpError(400, `could not parse 'end' parameter: ${(e as Error).message}`);
  }
  const endOrNow = end > now ? now : end;
  let start: bigint;
  try {
    start = parseTimestamp(form.get('start'), endOrNow - sinceNs);
  } catch (e) {
    throw new HttpError(400, `could not parse 'start' parameter: ${(e as Error).message}`);
  }
  return { start, end };
}

function limitParam(form: URLSearchParams): number {
  const v = form.get('limit');
  if (v === null || v === '') return DEFAULT_LIMIT;
  if (!/^[+-]?\d+$/.test(v)) throw new HttpError(400, atoiError('strconv.Atoi', v));
  const n = Number(v);
  if (n <= 0) throw new HttpError(400, 'limit must be a positive value');
  return n;
}

function directionParam(form: URLSearchParams): 'forward' | 'backward' {
  const v = form.get('direction');
  if (v === null || v === '') return 'backward';
  const u = v.toUpperCase();
  if (u === 'FORWARD') return 'forward';
  if (u === 'BACKWARD') return 'backward';
  throw new HttpError(400, `invalid direction '${v}'`);
}

/** Seconds as a float, or a Prometheus duration; nanoseconds. */
function secondsOrDuration(value: string): bigint {
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(value)) return BigInt(Math.round(Number(value) * 1e9));
  const ms = parsePromDuration(value) ?? parseGoDuration(value);
  if (ms === undefined) throw new HttpError(400, `cannot parse ${JSON.stringify(value)} to a valid duration`);
  return BigInt(Math.round(ms * 1e6));
}

interface RangeParams {
  query: string;
  start: bigint;
  end: bigint;
  limit: number;
  direction: 'forward' | 'backward';
  step: bigint;
}

/** ParseRangeQuery, in upstream's order of checks. */
function rangeParams(form: URLSearchParams): RangeParams {
  const { start, end } = bounds(form);
  if (end < start) throw new HttpError(400, 'end timestamp must not be before or equal to start time');
  const limit = limitParam(form);
  const direction = directionParam(form);
  const stepRaw = form.get('step');
  const step =
    stepRaw === null || stepRaw === ''
      ? BigInt(Math.max(Math.floor(Number(end - start) / 1e9 / 250), 1)) * 1_000_000_000n
      : secondsOrDuration(stepRaw);
  if (step <= 0n)
    throw new HttpError(
      400,
      'zero or negative query resolution step widths are not accepted. Try a positive integer',
    );
  if ((end - start) / step > 11000n) {
    throw new HttpError(
      400,
      'exceeded maximum resolution of 11,000 points per time series. Try increasing the value of the step parameter',
    );
  }
  const interval = form.get('interval');
  if (interval && secondsOrDuration(interval) < 0n) throw new HttpError(400, 'interval must be >= 0');
  return { query: form.get('query') ?? '', start, end, limit, direction, step };
}

function parse(query: string): ReturnType<typeof parseQuery> {
  try {
    return parseQuery(query);
  } catch (e) {
    if (e instanceof ParseError) throw new HttpError(400, e.message);
    if (e instanceof NotImplementedError) {
      throw new HttpError(
        501,
        `loki stand-in (sandbox): valid LogQL that this stand-in does not implement: ${e.message}`,
      );
    }
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------------------------------

interface Stats {
  lines: number;
  bytes: number;
  returned: number;
  startedAt: number;
}

/** Loki's stats block, reduced to its summary (same field names and types). */
function statsJson(s: Stats): Record<string, unknown> {
  const execTime = Math.max((performance.now() - s.startedAt) / 1000, 1e-6);
  return {
    summary: {
      bytesProcessedPerSecond: Math.round(s.bytes / execTime),
      linesProcessedPerSecond: Math.round(s.lines / execTime),
      totalBytesProcessed: s.bytes,
      totalLinesProcessed: s.lines,
      execTime,
      queueTime: 0,
      subqueries: 0,
      totalEntriesReturned: s.returned,
      splits: 0,
      shards: 0,
      totalPostFilterLines: s.returned,
      totalStructuredMetadataBytesProcessed: 0,
    },
  };
}

function selectEntries(
  tenant: string,
  q: LogQuery,
  start: bigint,
  end: bigint,
  stats: Stats,
): { stream: Stream; entries: Entry[] }[] {
  const out: { stream: Stream; entries: Entry[] }[] = [];
  for (const stream of tenantStreams(tenant).values()) {
    if (!matchLabels(q.matchers, stream.labels)) continue;
    const entries: Entry[] = [];
    for (const e of stream.entries) {
      if (e.ts < start || e.ts >= end) continue;
      stats.lines++;
      stats.bytes += Buffer.byteLength(e.line);
      if (matchLine(q.filters, e.line)) entries.push(e);
    }
    if (entries.length) out.push({ stream, entries });
  }
  return out;
}

/** Log query: newest (backward) or oldest (forward) `limit` entries over all streams, grouped by stream. */
function evalLogs(tenant: string, q: LogQuery, p: RangeParams, stats: Stats): unknown[] {
  const selected = selectEntries(tenant, q, p.start, p.end, stats);
  const all: { stream: Stream; e: Entry }[] = [];
  for (const s of selected) for (const e of s.entries) all.push({ stream: s.stream, e });
  all.sort((a, b) => (a.e.ts < b.e.ts ? -1 : a.e.ts > b.e.ts ? 1 : 0));
  if (p.direction === 'backward') all.reverse();
  const kept = all.slice(0, p.limit);
  stats.returned = kept.length;
  const byStream = new Map<Stream, [string, string][]>();
  for (const { stream, e } of kept) {
    let vals = byStream.get(stream);
    if (!vals) {
      vals = [];
      byStream.set(stream, vals);
    }
    vals.push([e.ts.toString(), e.line]);
  }
  return [...byStream]
    .sort(([a], [b]) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(([stream, values]) => ({ stream: sortedLabels(stream.labels), values }));
}

type Series = Map<string, { labels: Record<string, string>; points: Map<bigint, number> }>;

/** Evaluates a metric query at every step in [start, end]; returns label key -> (timestamp ns -> value). */
function evalMetric(
  tenant: string,
  q: MetricQuery,
  start: bigint,
  end: bigint,
  step: bigint,
  stats: Stats,
): Series {
  const series: Series = new Map();
  if (q.kind === 'range') {
    const range = BigInt(q.rangeMs) * 1_000_000n;
    const selected = selectEntries(tenant, q.log, start - range, end + 1n, stats);
    for (const { stream, entries } of selected) {
      const points = new Map<bigint, number>();
      for (let t = start; t <= end; t += step) {
        let count = 0;
        let bytes = 0;
        for (const e of entries) {
          if (e.ts > t - range && e.ts <= t) {
            count++;
            bytes += Buffer.byteLength(e.line);
          }
        }
        if (count === 0) continue;
        const secs = q.rangeMs / 1000;
        const v =
          q.op === 'count_over_time'
            ? count
            : q.op === 'rate'
              ? count / secs
              : q.op === 'bytes_over_time'
                ? bytes
                : bytes / secs;
        points.set(t, v);
      }
      if (points.size) series.set(stream.key, { labels: stream.labels, points });
    }
    return series;
  }
  const inner = evalMetric(tenant, q.inner, start, end, step, stats);
  const groups = new Map<string, { labels: Record<string, string>; acc: Map<bigint, number[]> }>();
  for (const s of inner.values()) {
    const labels: Record<string, string> = {};
    if (q.grouping && !q.grouping.without) {
      for (const l of q.grouping.labels) if (s.labels[l] !== undefined) labels[l] = s.labels[l] as string;
    } else if (q.grouping?.without) {
      for (const [k, v] of Object.entries(s.labels)) if (!q.grouping.labels.includes(k)) labels[k] = v;
    }
    const key = labelsKey(labels);
    let g = groups.get(key);
    if (!g) {
      g = { labels, acc: new Map() };
      groups.set(key, g);
    }
    for (const [t, v] of s.points) {
      let xs = g.acc.get(t);
      if (!xs) {
        xs = [];
        g.acc.set(t, xs);
      }
      xs.push(v);
    }
  }
  for (const [key, g] of groups) {
    const points = new Map<bigint, number>();
    for (const [t, xs] of g.acc) {
      const sum = xs.reduce((a, b) => a + b, 0);
      const v =
        q.op === 'sum'
          ? sum
          : q.op === 'count'
            ? xs.length
            : q.op === 'min'
              ? Math.min(...xs)
              : q.op === 'max'
                ? Math.max(...xs)
                : sum / xs.length;
      points.set(t, v);
    }
    series.set(key, { labels: g.labels, points });
  }
  return series;
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64). */
function goFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const s = String(v);
  if (!s.includes('e')) return s;
  const [mant, expStr] = s.split('e') as [string, string];
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const pointAt =
    (mant.replace('-', '').indexOf('.') === -1
      ? mant.replace('-', '').length
      : mant.replace('-', '').indexOf('.')) + exp;
  let out: string;
  if (pointAt <= 0) out = `0.${'0'.repeat(-pointAt)}${digits}`;
  else if (pointAt >= digits.length) out = digits + '0'.repeat(pointAt - digits.length);
  else out = `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return (neg ? '-' : '') + out;
}

/** model.Time as JSON: seconds with millisecond precision. */
function promTime(ns: bigint): number {
  return Number(ns / 1_000_000n) / 1000;
}

function sortSeries(series: Series): { labels: Record<string, string>; points: Map<bigint, number> }[] {
  return [...series.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, s]) => s);
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------------------------

async function readBody(req: IncomingMessage, max = 16 * 1024 * 1024): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new HttpError(413, 'request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=UTF-8' }).end(JSON.stringify(body));
}

/** Go's http.Error: plain text with a trailing newline. */
function sendError(res: ServerResponse, status: number, message: string): void {
  res
    .writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' })
    .end(`${message}\n`);
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

async function handlePush(req: IncomingMessage, res: ServerResponse, tenant: string): Promise<void> {
  const ct = (req.headers['content-type'] ?? '').split(';')[0]?.trim();
  if (ct !== 'application/json') {
    throw new HttpError(
      415,
      `loki stand-in (sandbox): only JSON pushes are implemented (Content-Type: application/json), got '${ct ?? ''}'`,
    );
  }
  let body = await readBody(req);
  if ((req.headers['content-encoding'] ?? '').includes('gzip')) body = gunzipSync(body);
  let parsed: { streams?: unknown };
  try {
    parsed = JSON.parse(body.toString('utf8')) as { streams?: unknown };
  } catch (e) {
    throw new HttpError(400, `loghttp.PushRequest: ${(e as Error).message}`);
  }
  const streams = Array.isArray(parsed.streams) ? parsed.streams : [];
  const target = tenantStreams(tenant);
  for (const raw of streams as { stream?: unknown; values?: unknown }[]) {
    const labels = raw.stream as Record<string, unknown> | undefined;
    if (!labels || typeof labels !== 'object' || Object.keys(labels).length === 0) {
      throw new HttpError(400, 'error at least one label pair is required per stream');
    }
    for (const [k, v] of Object.entries(labels)) {
      if (!LABEL_NAME.test(k) || typeof v !== 'string') {
        throw new HttpError(
          400,
          `error parsing labels '${JSON.stringify(labels)}' with error: invalid label name or value: ${JSON.stringify(k)}`,
        );
      }
    }
    const clean = sortedLabels(labels as Record<string, string>);
    const key = labelsKey(clean);
    let stream = target.get(key);
    if (!stream) {
      stream = { labels: clean, key, entries: [] };
      target.set(key, stream);
    }
    for (const v of (Array.isArray(raw.values) ? raw.values : []) as unknown[]) {
      if (!Array.isArray(v) || typeof v[0] !== 'string' || typeof v[1] !== 'string' || !/^\d+$/.test(v[0])) {
        throw new HttpError(
          400,
          'loghttp.PushRequest.Streams: each value must be ["<unix epoch in nanoseconds>", "<log line>"]',
        );
      }
      insert(stream, { ts: BigInt(v[0]), line: v[1] });
    }
  }
  res.writeHead(204).end();
}

async function formOf(req: IncomingMessage, url: URL): Promise<URLSearchParams> {
  const form = new URLSearchParams(url.searchParams);
  if (
    req.method === 'POST' &&
    (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
  ) {
    for (const [k, v] of new URLSearchParams((await readBody(req)).toString('utf8'))) form.append(k, v);
  }
  return form;
}

function handleQueryRange(res: ServerResponse, form: URLSearchParams, tenant: string): void {
  const p = rangeParams(form);
  const q = parse(p.query);
  const stats: Stats = { lines: 0, bytes: 0, returned: 0, startedAt: performance.now() };
  if (q.kind === 'log') {
    if (p.limit > MAX_ENTRIES_LIMIT) {
      throw new HttpError(
        400,
        `max entries limit per query exceeded, limit > max_entries_limit_per_query (${p.limit} > ${MAX_ENTRIES_LIMIT})`,
      );
    }
    const result = evalLogs(tenant, q, p, stats);
    sendJson(res, 200, {
      status: 'success',
      data: { resultType: 'streams', result, stats: statsJson(stats) },
    });
    return;
  }
  const series = evalMetric(tenant, q, p.start, p.end, p.step, stats);
  const result = sortSeries(series).map((s) => ({
    metric: sortedLabels(s.labels),
    values: [...s.points.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([t, v]) => [promTime(t), goFloat(v)]),
  }));
  sendJson(res, 200, { status: 'success', data: { resultType: 'matrix', result, stats: statsJson(stats) } });
}

function handleInstant(res: ServerResponse, form: URLSearchParams, tenant: string): void {
  limitParam(form);
  let ts: bigint;
  try {
    ts = parseTimestamp(form.get('time'), nowNs());
  } catch (e) {
    throw new HttpError(400, (e as Error).message);
  }
  directionParam(form);
  const q = parse(form.get('query') ?? '');
  if (q.kind === 'log') {
    throw new HttpError(
      400,
      'log queries are not supported as an instant query type, please change your query to a range query type',
    );
  }
  const stats: Stats = { lines: 0, bytes: 0, returned: 0, startedAt: performance.now() };
  const series = evalMetric(tenant, q, ts, ts, 1n, stats);
  const result = sortSeries(series).flatMap((s) => {
    const v = s.points.get(ts);
    return v === undefined ? [] : [{ metric: sortedLabels(s.labels), value: [promTime(ts), goFloat(v)] }];
  });
  sendJson(res, 200, { status: 'success', data: { resultType: 'vector', result, stats: statsJson(stats) } });
}

/** Streams with at least one entry in the window (and matching `query`/`match[]` selectors, when given). */
function streamsInWindow(tenant: string, form: URLSearchParams, selectors: string[]): Stream[] {
  const { start, end } = bounds(form);
  const qs = selectors.map((s) => parse(s));
  const out: Stream[] = [];
  for (const s of tenantStreams(tenant).values()) {
    if (!s.entries.some((e) => e.ts >= start && e.ts < end)) continue;
    if (qs.length && !qs.some((q) => q.kind === 'log' && matchLabels(q.matchers, s.labels))) continue;
    out.push(s);
  }
  return out;
}

async function handle(req: IncomingMessage, res: ServerResponse, requireTenant: boolean): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  if (path === '/ready') {
    res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('ready\n');
    return;
  }
  if (path === '/metrics') {
    const lines = [
      '# HELP loki_build_info Build information of the Loki stand-in.',
      '# TYPE loki_build_info gauge',
      `loki_build_info{version="${VERSION}"} 1`,
      '# HELP loki_standin_requests_total Requests served by route and status.',
      '# TYPE loki_standin_requests_total counter',
      ...[...requests].map(([k, n]) => `loki_standin_requests_total{${k}} ${n}`),
      '# HELP loki_standin_entries Log entries held in memory.',
      '# TYPE loki_standin_entries gauge',
      ...[...store].map(
        ([t, m]) =>
          `loki_standin_entries{tenant=${JSON.stringify(t)}} ${[...m.values()].reduce((a, s) => a + s.entries.length, 0)}`,
      ),
    ];
    res
      .writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' })
      .end(`${lines.join('\n')}\n`);
    return;
  }
  if (path === '/loki/api/v1/status/buildinfo') {
    sendJson(res, 200, {
      version: VERSION,
      revision: 'standin',
      branch: 'sandbox',
      buildUser: 'cluster-mcp',
      buildDate: '',
      goVersion: '',
    });
    return;
  }
  const header = req.headers['x-scope-orgid'];
  const tenantHeader = Array.isArray(header) ? header[0] : header;
  if (requireTenant && !tenantHeader) throw new HttpError(401, 'no org id');
  const tenant = tenantHeader || DEFAULT_TENANT;
  const isGetOrPost = req.method === 'GET' || req.method === 'POST';

  if (path === '/loki/api/v1/push' && req.method === 'POST') return handlePush(req, res, tenant);
  if (path === '/loki/api/v1/query_range' && isGetOrPost)
    return handleQueryRange(res, await formOf(req, url), tenant);
  if (path === '/loki/api/v1/query' && isGetOrPost) return handleInstant(res, await formOf(req, url), tenant);
  if (path === '/loki/api/v1/labels' && isGetOrPost) {
    const form = await formOf(req, url);
    const q = form.get('query');
    const names = new Set<string>();
    for (const s of streamsInWindow(tenant, form, q ? [q] : []))
      for (const k of Object.keys(s.labels)) names.add(k);
    sendJson(res, 200, { status: 'success', data: [...names].sort() });
    return;
  }
  const lv = /^\/loki\/api\/v1\/label\/([^/]+)\/values$/.exec(path);
  if (lv && isGetOrPost) {
    const name = decodeURIComponent(lv[1] as string);
    const form = await formOf(req, url);
    const q = form.get('query');
    const values = new Set<string>();
    for (const s of streamsInWindow(tenant, form, q ? [q] : []))
      if (s.labels[name] !== undefined) values.add(s.labels[name] as string);
    sendJson(res, 200, { status: 'success', data: [...values].sort() });
    return;
  }
  if (path === '/loki/api/v1/series' && isGetOrPost) {
    const form = await formOf(req, url);
    const match = form.getAll('match[]');
    if (match.length === 0) throw new HttpError(400, 'match[] is required');
    const data = streamsInWindow(tenant, form, match).map((s) => sortedLabels(s.labels));
    sendJson(res, 200, { status: 'success', data });
    return;
  }
  throw new HttpError(404, '404 page not found');
}

function main(): void {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '13100' },
      'state-dir': { type: 'string' },
      'require-tenant': { type: 'boolean', default: false },
    },
  });
  const requireTenant = values['require-tenant'] === true;
  const server = createServer((req, res) => {
    const route = new URL(req.url ?? '/', 'http://localhost').pathname.replace(
      /\/label\/[^/]+\/values$/,
      '/label/:name/values',
    );
    res.on('finish', () => {
      const key = `route=${JSON.stringify(route)},code="${res.statusCode}"`;
      requests.set(key, (requests.get(key) ?? 0) + 1);
    });
    handle(req, res, requireTenant).catch((e: unknown) => {
      if (e instanceof HttpError) sendError(res, e.status, e.message);
      else {
        console.error(e);
        sendError(res, 500, (e as Error).message);
      }
    });
  });
  server.listen(Number(values.port), '127.0.0.1', () => {
    console.log(
      `loki stand-in listening on http://127.0.0.1:${values.port} (state dir ${values['state-dir'] ?? 'none'}, require tenant: ${requireTenant})`,
    );
  });
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (import.meta.main) main();
