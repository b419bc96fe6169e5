/**
 * get_alerts, query_logs, query_metrics and get_notifications through the MCP protocol against the sandbox's real
 * Prometheus and Alertmanager and its Loki and ntfy stand-ins, compared with the seeded truth in
 * sandbox/obs/fixtures.ts.
 */

import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackend, stopBackend } from '../../sandbox/control.ts';
import {
  type AlertFixture,
  CRASH_LOOP,
  DEPLOYMENTS,
  entryTimestampNs,
  expectedAlerts,
  FILESYSTEMS,
  LOG_STREAMS,
  LOKI_DEFAULT_TENANT,
  LOKI_OTHER_TENANT,
  LONG_LINE,
  NODES,
  NTFY_MESSAGES,
  NTFY_SECRET,
  NTFY_TOKEN,
  NTFY_TOPICS,
  OOM_LINE,
  OOM_MESSAGE,
  QUOTES_LINE,
  readSeedInfo,
  SCRAPE_TARGETS,
  SECRET_PASSWORD_LINE,
} from '../../sandbox/obs/fixtures.ts';
import { observabilityTools } from '../../src/tools/observability.ts';
import { errorText, ok, startServer, type TestServer, type ToolResult } from '../support/server.ts';

interface ListOut<I, S = Record<string, unknown>> {
  items: I[];
  total: number | null;
  returned: number;
  truncated: boolean;
  hint?: string;
  summary: S;
}

interface AlertItem {
  alertname: string;
  severity?: string;
  state: string;
  startsAt: string;
  age: string;
  summary?: string;
  labels?: Record<string, string>;
  silencedBy?: string[];
  inhibitedBy?: string[];
  fingerprint: string;
}

interface LogLine {
  t: string;
  s: number;
  line: string;
}

interface Series {
  labels: Record<string, string>;
  value?: number | string;
  values?: (number | string | null)[];
  min?: number | string;
  max?: number | string;
  avg?: number | string;
  last?: number | string;
  points?: number;
}

interface Message {
  id: string;
  time: string;
  topic: string;
  title?: string;
  message?: string;
  priority: number;
  priorityName: string;
  tags?: string[];
  click?: string;
}

const [ALERTS_TOPIC, BACKUPS_TOPIC] = NTFY_TOPICS;

/** The ntfy stand-in requires its token on every topic (access control on, like a real deployment). */
const SANDBOX_ENV: Record<string, string> = { NTFY_TOKEN };

let server: TestServer;

const OUTPUT = new Map(observabilityTools.map((t) => [t.name, t.output]));

/** Calls a tool on the shared server; a successful result must also match the tool's declared output schema. */
async function call(name: string, args: Record<string, unknown>): Promise<ToolResult> {
  const r = await server.call(name, args);
  if (!r.isError) OUTPUT.get(name)!.parse(r.structuredContent);
  return r;
}

beforeAll(async () => {
  server = await startServer({ env: SANDBOX_ENV });
});

afterAll(async () => {
  await server?.close();
});

/** Calls a tool until `accept` holds or the deadline passes (alerts reach Alertmanager on Prometheus' schedule). */
async function callUntil(
  name: string,
  args: Record<string, unknown>,
  accept: (r: ToolResult) => boolean,
  deadlineMs = 45_000,
): Promise<ToolResult> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const r = await call(name, args);
    if (accept(r) || Date.now() > until) return r;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function upstreamRequests(s: TestServer, backend: string): Promise<number> {
  return s.app.metrics.upstreamRequests
    .get()
    .then((m) => m.values.filter((v) => v.labels.backend === backend).reduce((n, v) => n + v.value, 0));
}

// -------------------------------------------------------------------------------------------------------------
// get_alerts
// -------------------------------------------------------------------------------------------------------------

describe('get_alerts', () => {
  /** The alerts expected now (a certificate enters the expiry window as the scenario ages). */
  let alerts: AlertFixture[];
  let active: AlertFixture[];
  /** The fixture an item is, by name, severity and identifying labels; several alerts share a name. */
  const fixtureOf = (i: AlertItem): AlertFixture | undefined =>
    alerts.find(
      (a) =>
        a.alertname === i.alertname &&
        a.severity === (i.severity ?? 'none') &&
        Object.entries(a.labels).every(([k, v]) => i.labels?.[k] === v),
    );
  const key = (a: AlertFixture): string => `${a.alertname}/${a.severity}/${JSON.stringify(a.labels)}`;
  const keys = (items: AlertItem[]): string[] =>
    items.map((i) => (fixtureOf(i) ? key(fixtureOf(i)!) : `?${i.alertname}`)).sort();
  const keysOf = (fixtures: AlertFixture[]): string[] => fixtures.map(key).sort();
  let all: ListOut<AlertItem, { bySeverity: Record<string, number>; byState: Record<string, number> }>;

  beforeAll(async () => {
    alerts = expectedAlerts((Date.now() - readSeedInfo('prometheus').seedTimeMs) / 1000);
    active = alerts.filter((a) => a.amState === 'active');
    const expected = alerts.filter((a) => a.amState).length;
    all = ok(
      await callUntil(
        'get_alerts',
        { state: 'all' },
        (r) => !r.isError && (r.structuredContent?.total as number) >= expected,
      ),
    );
  });

  it('lists the firing alerts with severity and summary', async () => {
    const out = ok<ListOut<AlertItem>>(await call('get_alerts', {}));
    expect(keys(out.items)).toEqual(keysOf(active));
    for (const a of active) {
      const got = out.items.find((i) => fixtureOf(i) === a);
      expect(got?.summary).toBe(a.summary);
      expect(got?.state).toBe('active');
      expect(got?.labels).toMatchObject(a.labels);
    }
  });

  it('sorts by severity: critical, warning, info, none', async () => {
    const rank = ['critical', 'error', 'warning', 'info', 'none'];
    const ranks = all.items.map((i) => rank.indexOf(i.severity ?? 'none'));
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
  });

  it('leaves the silenced alert out unless asked for', async () => {
    const silenced = alerts.find((a) => a.suppressedBy === 'silence')!;
    const byDefault = ok<ListOut<AlertItem>>(await call('get_alerts', {}));
    expect(byDefault.items.some((i) => fixtureOf(i) === silenced)).toBe(false);
    const asked = ok<ListOut<AlertItem>>(await call('get_alerts', { state: 'silenced' }));
    expect(keys(asked.items)).toEqual([key(silenced)]);
    expect(asked.items[0]?.state).toBe('silenced');
    expect(asked.items[0]?.silencedBy?.length).toBe(1);
  });

  it('includes inhibited alerts with state all and counts by severity and state', () => {
    const withState = alerts.filter((a) => a.amState);
    const states: Record<string, number> = {};
    const severities: Record<string, number> = {};
    for (const a of withState) {
      const st =
        a.suppressedBy === 'silence' ? 'silenced' : a.suppressedBy === 'inhibition' ? 'inhibited' : 'active';
      states[st] = (states[st] ?? 0) + 1;
      severities[a.severity] = (severities[a.severity] ?? 0) + 1;
    }
    expect(all.summary.byState).toEqual(states);
    expect(all.summary.bySeverity).toEqual(severities);
    expect(all.total).toBe(withState.length);
  });

  it('filters by severity', async () => {
    const out = ok<ListOut<AlertItem>>(await call('get_alerts', { severity: 'critical' }));
    expect(keys(out.items)).toEqual(keysOf(active.filter((a) => a.severity === 'critical')));
  });

  it('passes Alertmanager matchers and receiver on', async () => {
    const byMatcher = ok<ListOut<AlertItem>>(await call('get_alerts', { filter: ['alertname=~"Kube.*"'] }));
    expect(keys(byMatcher.items)).toEqual(keysOf(active.filter((a) => a.alertname.startsWith('Kube'))));
    const braced = ok<ListOut<AlertItem>>(
      await call('get_alerts', { filter: ['{alertname=~"Kube.*", severity="warning"}'] }),
    );
    expect(keys(braced.items)).toEqual(
      keysOf(active.filter((a) => a.alertname.startsWith('Kube') && a.severity === 'warning')),
    );
    const byReceiver = ok<ListOut<AlertItem>>(await call('get_alerts', { receiver: 'critical' }));
    expect(keys(byReceiver.items)).toEqual(keysOf(active.filter((a) => a.receiver === 'critical')));
  });

  it('cuts the list at limit and says so', async () => {
    const out = ok<ListOut<AlertItem>>(await call('get_alerts', { limit: 1 }));
    expect(out).toMatchObject({ returned: 1, total: active.length, truncated: true });
    expect(out.hint).toMatch(/of \d+/);
  });

  it("returns Alertmanager's message for an invalid matcher", async () => {
    const text = errorText(await call('get_alerts', { filter: ['alertname=~"("'] }));
    expect(text).toMatch(/^Alertmanager rejected the request: .*(regexp|matcher)/);
  });
});

// -------------------------------------------------------------------------------------------------------------
// query_logs
// -------------------------------------------------------------------------------------------------------------

describe('query_logs', () => {
  let seed: number;
  /** A window that holds every seeded line regardless of how long the sandbox has been up. */
  let window: { start: string; end: string };
  beforeAll(() => {
    seed = readSeedInfo('loki').seedTimeMs;
    window = {
      start: new Date(seed - 30 * 3600_000).toISOString(),
      end: new Date(seed + 1000).toISOString(),
    };
  });

  it('returns the seeded lines of a LogQL query newest first, labels once per stream', async () => {
    const stream = LOG_STREAMS.find(
      (s) =>
        s.tenant === LOKI_DEFAULT_TENANT &&
        s.labels.pod === CRASH_LOOP.pod.name &&
        !s.entries.some((e) => e.line === LONG_LINE),
    )!;
    const q = `{namespace="${stream.labels.namespace}",pod="${stream.labels.pod}"}`;
    const out = ok<ListOut<LogLine> & { streams: Record<string, string>[] }>(
      await call('query_logs', { query: q, ...window, limit: 1000 }),
    );
    const expected = stream.entries
      .map((e, i) => ({ line: e.line, ns: entryTimestampNs(seed, stream, i) }))
      .sort((a, b) => (a.ns < b.ns ? 1 : -1))
      .map((e) => e.line);
    expect(out.items.map((i) => i.line)).toEqual(expected);
    expect(out.truncated).toBe(false);
    expect(out.streams).toHaveLength(1);
    expect(out.streams[0]).toMatchObject(stream.labels);
    expect(out.items.every((i) => i.s === 0)).toBe(true);
    const times = out.items.map((i) => Date.parse(i.t));
    expect(times).toEqual([...times].sort((a, b) => b - a));
  });

  it('builds the selector and line filter from namespace, pod, container and contains', async () => {
    const crashing = LOG_STREAMS.find((s) => s.labels.pod === CRASH_LOOP.pod.name)!;
    const out = ok<ListOut<LogLine, { query: string }>>(
      await call('query_logs', {
        namespace: crashing.labels.namespace,
        pod: crashing.labels.pod,
        container: crashing.labels.container,
        contains: OOM_MESSAGE,
        ...window,
        limit: 1000,
      }),
    );
    const expected = crashing.entries.filter((e) => e.line.includes(OOM_MESSAGE));
    expect(expected.length).toBeGreaterThan(0);
    expect(out.items.length).toBe(expected.length);
    expect(out.items.every((i) => i.line === OOM_LINE)).toBe(true);
    expect(out.summary.query).toBe(
      `{namespace="${crashing.labels.namespace}",pod="${crashing.labels.pod}",container="${crashing.labels.container}"} |= "${OOM_MESSAGE}"`,
    );
  });

  it('matches a contains value with quotes and braces literally', async () => {
    const needle = '"note":"say \\"hi\\" {now}"';
    expect(QUOTES_LINE).toContain(needle);
    const ns = LOG_STREAMS.find((s) => s.entries.some((e) => e.line === QUOTES_LINE))!.labels.namespace;
    const out = ok<ListOut<LogLine>>(
      await call('query_logs', { namespace: ns, contains: needle, ...window }),
    );
    expect(out.items.map((i) => i.line)).toEqual([QUOTES_LINE]);
  });

  it('masks secrets in lines by default', async () => {
    const ns = LOG_STREAMS.find((s) => s.entries.some((e) => e.line === SECRET_PASSWORD_LINE))!.labels
      .namespace;
    const out = ok<ListOut<LogLine>>(
      await call('query_logs', { namespace: ns, contains: 'loaded configuration', ...window }),
    );
    expect(out.items).toHaveLength(1);
    expect(out.items[0]?.line).toContain('password=[REDACTED]');
    expect(out.items[0]?.line).not.toContain('hunter2');
  });

  it('cuts long lines and marks them', async () => {
    const ns = LOG_STREAMS.find((s) => s.entries.some((e) => e.line === LONG_LINE))!.labels.namespace;
    const out = ok<ListOut<LogLine>>(
      await call('query_logs', { namespace: ns, contains: 'cache warmup finished', ...window }),
    );
    expect(out.items).toHaveLength(1);
    const line = out.items[0]!.line;
    expect(line.startsWith(LONG_LINE.slice(0, 500))).toBe(true);
    expect(line).toMatch(new RegExp(`… \\[\\+${LONG_LINE.length - 500} chars\\]$`));
  });

  it('says when more lines exist than limit', async () => {
    const namespace = CRASH_LOOP.pod.namespace;
    const out = ok<ListOut<LogLine>>(await call('query_logs', { namespace, ...window, limit: 5 }));
    expect(out).toMatchObject({ returned: 5, truncated: true, total: null });
    expect(out.hint).toMatch(/More than 5 lines/);
  });

  it('sends the configured tenant', async () => {
    const other = LOG_STREAMS.filter((s) => s.tenant === LOKI_OTHER_TENANT);
    const s = await startServer({ env: { ...SANDBOX_ENV, LOKI_TENANT: LOKI_OTHER_TENANT } });
    try {
      const namespace = other[0]!.labels.namespace!;
      const out = ok<ListOut<LogLine>>(await s.call('query_logs', { namespace, ...window, limit: 1000 }));
      const inWindow = other
        .filter((st) => st.labels.namespace === namespace)
        .reduce((n, st) => n + st.entries.filter((e) => e.ageSeconds <= 30 * 3600).length, 0);
      expect(out.items.length).toBe(inWindow);
    } finally {
      await s.close();
    }
  });

  it('returns metric LogQL as compact series', async () => {
    const namespace = CRASH_LOOP.pod.namespace;
    const containers = [
      ...new Set(
        LOG_STREAMS.filter((s) => s.tenant === LOKI_DEFAULT_TENANT && s.labels.namespace === namespace).map(
          (s) => s.labels.container,
        ),
      ),
    ].sort();
    const out = ok<ListOut<Series, { resultType: string; step: number }>>(
      await call('query_logs', {
        query: `sum by (container) (count_over_time({namespace="${namespace}"}[10m]))`,
        ...window,
      }),
    );
    expect(out.summary.resultType).toBe('matrix');
    expect(out.items.map((i) => i.labels.container).sort()).toEqual(containers);
    for (const s of out.items) {
      expect(s.values!.length).toBeGreaterThanOrEqual(55);
      expect(s.values!.length).toBeLessThanOrEqual(65);
      expect(typeof s.max).toBe('number');
    }
  });

  it('returns lines unmasked when redaction is off', async () => {
    const ns = LOG_STREAMS.find((s) => s.entries.some((e) => e.line === SECRET_PASSWORD_LINE))!.labels
      .namespace;
    const s = await startServer({ env: { ...SANDBOX_ENV, MCP_REDACT_SECRETS: 'false' } });
    try {
      const out = ok<ListOut<LogLine>>(
        await s.call('query_logs', { namespace: ns, contains: 'loaded configuration', ...window }),
      );
      expect(out.items.map((i) => i.line)).toEqual([SECRET_PASSWORD_LINE]);
    } finally {
      await s.close();
    }
  });

  it("returns Loki's parse error with its position for invalid LogQL", async () => {
    const text = errorText(await call('query_logs', { query: '{namespace="apps"', ...window }));
    expect(text).toMatch(/^Loki rejected the query \{namespace="apps": .*parse error/);
    expect(text).toMatch(/line 1, col \d+|col(umn)? \d+/);
  });

  it('refuses a query together with convenience filters', async () => {
    expect(errorText(await call('query_logs', { query: '{a="b"}', namespace: 'x' }))).toMatch(/not both/);
  });
});

// -------------------------------------------------------------------------------------------------------------
// query_metrics
// -------------------------------------------------------------------------------------------------------------

describe('query_metrics', () => {
  it('returns the seeded series of an instant query with labels and value', async () => {
    const out = ok<ListOut<Series>>(
      await call('query_metrics', { query: 'kube_deployment_spec_replicas', limit: DEPLOYMENTS.length }),
    );
    expect(out.total).toBe(DEPLOYMENTS.length);
    for (const d of DEPLOYMENTS) {
      const s = out.items.find((i) => i.labels.namespace === d.namespace && i.labels.deployment === d.name);
      expect(s?.value).toBe(d.replicas);
    }
  });

  it('returns range series with a value grid and min/max/avg/last', async () => {
    const out = ok<ListOut<Series, { step: number; start: string }>>(
      await call('query_metrics', { query: 'kube_node_spec_unschedulable', start: '1h', step: '5m' }),
    );
    expect(out.summary.step).toBe(300);
    expect(out.items).toHaveLength(NODES.length);
    for (const n of NODES) {
      const s = out.items.find((i) => i.labels.node === n.name)!;
      const v = n.cordoned ? 1 : 0;
      expect(s.values).toHaveLength(13);
      expect(s).toMatchObject({ min: v, max: v, avg: v, last: v });
    }
  });

  it('keeps a 7-day range without step at about 60 points per series', async () => {
    const out = ok<ListOut<Series, { step: number }>>(
      await call('query_metrics', { query: 'kube_node_spec_unschedulable', start: '7d' }),
    );
    expect(out.summary.step).toBe(Math.ceil((7 * 86_400) / 60));
    for (const s of out.items) {
      expect(s.values!.length).toBeGreaterThanOrEqual(55);
      expect(s.values!.length).toBeLessThanOrEqual(65);
    }
  });

  it('refuses a range with more points than Prometheus allows, naming a step that fits', async () => {
    const text = errorText(await call('query_metrics', { query: 'up', start: '7d', step: '10s' }));
    expect(text).toMatch(/60481 points per series.*use step 55s or more/);
  });

  it("returns Prometheus' message for invalid PromQL", async () => {
    const text = errorText(await call('query_metrics', { query: 'sum(rate(up[5m])' }));
    expect(text).toMatch(/^Prometheus rejected the query \(bad_data\): .*parse error/);
  });

  it('says when more series exist than limit', async () => {
    // Only nodes with a node-exporter target (where the agent runs) have filesystem series.
    const live = FILESYSTEMS.filter((f) =>
      SCRAPE_TARGETS.some((t) => t.kind === 'node' && t.node === f.node && !t.broken),
    ).length;
    const out = ok<ListOut<Series>>(
      await call('query_metrics', { query: 'node_filesystem_avail_bytes', limit: 2 }),
    );
    expect(out).toMatchObject({ returned: 2, total: live, truncated: true });
    expect(out.hint).toMatch(new RegExp(`Showing 2 of ${live} series`));
  });

  it('represents NaN and infinities explicitly', async () => {
    const nan = ok<ListOut<Series>>(await call('query_metrics', { query: 'vector(0) / 0' }));
    expect(nan.items[0]?.value).toBe('NaN');
    const inf = ok<ListOut<Series>>(await call('query_metrics', { query: 'vector(-1) / 0' }));
    expect(inf.items[0]?.value).toBe('-Inf');
  });
});

// -------------------------------------------------------------------------------------------------------------
// get_notifications
// -------------------------------------------------------------------------------------------------------------

describe('get_notifications', () => {
  let seed: number;
  const sinceAge = (hours: number) => String(Math.floor((seed - hours * 3600_000) / 1000));
  const ids = (xs: readonly { id: string }[]) => xs.map((x) => x.id);
  /** Fixture messages of a topic, newest first. */
  const newestFirst = (topic: string) =>
    NTFY_MESSAGES.filter((m) => m.topic === topic).sort((a, b) => a.ageSeconds - b.ageSeconds);

  beforeAll(() => {
    seed = readSeedInfo('ntfy').seedTimeMs;
  });

  it('returns the messages of a topic since a time, newest first', async () => {
    // No message is seeded within a minute of the cut, so it never lands on one.
    expect(NTFY_MESSAGES.filter((m) => Math.abs(m.ageSeconds - 25 * 3600) < 60)).toEqual([]);
    const out = ok<ListOut<Message>>(
      await call('get_notifications', { topic: ALERTS_TOPIC, since: sinceAge(25) }),
    );
    expect(ids(out.items)).toEqual(ids(newestFirst(ALERTS_TOPIC).filter((m) => m.ageSeconds <= 25 * 3600)));
    const first = out.items[0]!;
    const fixture = NTFY_MESSAGES.find((m) => m.id === first.id)!;
    expect(first).toMatchObject({
      topic: fixture.topic,
      priority: fixture.priority ?? 3,
      message: fixture.message,
    });
  });

  it('filters by minimum priority', async () => {
    const out = ok<ListOut<Message>>(
      await call('get_notifications', { topic: ALERTS_TOPIC, since: 'all', minPriority: 5 }),
    );
    expect(ids(out.items)).toEqual(ids(newestFirst(ALERTS_TOPIC).filter((m) => m.priority === 5)));
    expect(out.items.every((m) => m.priorityName === 'max')).toBe(true);
  });

  it('filters by tags', async () => {
    const out = ok<ListOut<Message>>(
      await call('get_notifications', {
        topic: NTFY_TOPICS.join(','),
        since: 'all',
        tags: ['floppy_disk', 'warning'],
      }),
    );
    const expected = NTFY_MESSAGES.filter(
      (m) => m.tags?.includes('floppy_disk') && m.tags.includes('warning'),
    );
    expect(ids(out.items).sort()).toEqual(ids(expected).sort());
  });

  it('reads several topics at once, newest first', async () => {
    const out = ok<ListOut<Message>>(
      await call('get_notifications', { topic: NTFY_TOPICS.join(','), since: 'all', limit: 500 }),
    );
    expect(ids(out.items)).toEqual(ids([...NTFY_MESSAGES].sort((a, b) => a.ageSeconds - b.ageSeconds)));
  });

  it('masks secrets in message bodies', async () => {
    const withSecret = NTFY_MESSAGES.find((m) => m.message.includes(NTFY_SECRET))!;
    const out = ok<ListOut<Message>>(
      await call('get_notifications', { topic: withSecret.topic, since: 'all', limit: 500 }),
    );
    const got = out.items.find((m) => m.id === withSecret.id)!;
    expect(got.message).not.toContain(NTFY_SECRET);
    expect(got.message).toContain('[REDACTED]');
  });

  it('says when more messages exist than limit', async () => {
    const out = ok<ListOut<Message>>(
      await call('get_notifications', { topic: BACKUPS_TOPIC, since: 'all', limit: 2 }),
    );
    expect(out).toMatchObject({ returned: 2, truncated: true, total: newestFirst(BACKUPS_TOPIC).length });
  });

  it('reads the default topic from config', async () => {
    const s = await startServer({ env: { ...SANDBOX_ENV, NTFY_DEFAULT_TOPIC: BACKUPS_TOPIC } });
    try {
      const out = ok<ListOut<Message>>(await s.call('get_notifications', { since: 'all' }));
      expect(ids(out.items)).toEqual(ids(newestFirst(BACKUPS_TOPIC)));
    } finally {
      await s.close();
    }
  });

  it('refuses an invalid topic without sending any request', async () => {
    const before = await upstreamRequests(server, 'ntfy');
    for (const topic of ['../v1/account', 'a b', 'x'.repeat(65), 'alerts?poll=0']) {
      expect(errorText(await call('get_notifications', { topic }))).toMatch(/invalid topic/);
    }
    expect(await upstreamRequests(server, 'ntfy')).toBe(before);
  });
});

// -------------------------------------------------------------------------------------------------------------
// Backends missing, stopped, hanging
// -------------------------------------------------------------------------------------------------------------

const PROBES = {
  prometheus: ['query_metrics', { query: 'up' }, 'Prometheus', '/api/v1/query'],
  alertmanager: ['get_alerts', {}, 'Alertmanager', '/api/v2/alerts'],
  loki: ['query_logs', { namespace: CRASH_LOOP.pod.namespace, limit: 1 }, 'Loki', '/loki/api/v1/query_range'],
  ntfy: ['get_notifications', { topic: BACKUPS_TOPIC, limit: 1 }, 'ntfy', `/${BACKUPS_TOPIC}/json`],
} as const;
type Backend = keyof typeof PROBES;
const BACKENDS = Object.keys(PROBES) as Backend[];

describe('backends', () => {
  it('each tool says how to configure its backend when it has none', async () => {
    const s = await startServer({
      env: { PROMETHEUS_URL: '', ALERTMANAGER_URL: '', LOKI_URL: '', NTFY_URL: '' },
    });
    try {
      for (const b of BACKENDS) {
        const [tool, args, display] = PROBES[b];
        const text = errorText(await s.call(tool, args));
        expect(text).toBe(
          `${display} is not configured for this server: set ${b.toUpperCase()}_URL (--${b}-url) to enable it.`,
        );
      }
    } finally {
      await s.close();
    }
  });

  it.each(BACKENDS)(
    'with %s stopped: its tool fails naming it, others answer, /readyz says down, then it recovers',
    async (b) => {
      const [tool, args, display, path] = PROBES[b];
      const url = server.config.backends[b].url!;
      const readyz = server.url.replace(/\/mcp$/, '/readyz');
      const other = BACKENDS.find((x) => x !== b)!;
      await stopBackend(b);
      try {
        const text = errorText(await call(tool, args));
        expect(text).toContain(display);
        expect(text).toContain(`${url}${path}`);
        const [otherTool, otherArgs] = PROBES[other];
        ok(await call(otherTool, otherArgs));
        const ready = (await (await fetch(readyz)).json()) as { backends: Record<string, { ok: boolean }> };
        expect(ready.backends[b]?.ok).toBe(false);
        expect(ready.backends[other]?.ok).toBe(true);
      } finally {
        await startBackend(b);
      }
      ok(await call(tool, args));
    },
  );

  describe('a backend that accepts connections and never answers', () => {
    let silent: Server;
    const sockets = new Set<Socket>();
    let s: TestServer;

    beforeAll(async () => {
      silent = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      const port = (silent.address() as AddressInfo).port;
      s = await startServer({
        env: { ...SANDBOX_ENV, PROMETHEUS_URL: `http://127.0.0.1:${port}`, PROMETHEUS_TIMEOUT_MS: '500' },
      });
    });

    afterAll(async () => {
      await s?.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });

    it('yields a timeout error naming the backend and URL', async () => {
      const text = errorText(await s.call('query_metrics', { query: 'up' }));
      expect(text).toMatch(
        /^Prometheus did not answer within 500 ms at http:\/\/127\.0\.0\.1:\d+\/api\/v1\/query/,
      );
    });

    it('leaves the other tools answering', async () => {
      ok(await s.call('get_alerts', {}));
    });
  });
});
