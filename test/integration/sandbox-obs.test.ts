// The sandbox's observability backends hold the seeded truth of sandbox/obs/fixtures.ts: Prometheus fires the
// rules into Alertmanager, the Loki and ntfy stand-ins answer in upstream's formats, and a backend can be
// stopped and started again. They describe the Kubernetes seed's cluster (sandbox/seed/fixtures.ts): the same
// nodes, pods, certificates and Flux objects, in the same states.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { startBackend, stopBackend } from '../../sandbox/obs/control.ts';
import {
  ALERTS,
  type AlertFixture,
  BACKFILL_DAYS,
  BEARER_LINE,
  CERTIFICATES,
  CRASH_LOOP,
  EXPORTER_SERIES,
  entryTimestampNs,
  expectedAlerts,
  FILESYSTEMS,
  LOG_STREAMS,
  LOKI_DEFAULT_TENANT,
  LOKI_OTHER_TENANT,
  type LogStreamFixture,
  NTFY_CACHE_SECONDS,
  NTFY_MESSAGES,
  OOM_LINE,
  OOM_MESSAGE,
  REPO_ROOT,
  readSeedInfo,
  SANDBOX_DIR,
  SCRAPE_TARGETS,
  SILENCE,
} from '../../sandbox/obs/fixtures.ts';
import * as k8s from '../../sandbox/seed/fixtures.ts';

type Env = Record<string, string>;

function parseEnvFile(file: string): Env {
  const env: Env = {};
  if (!existsSync(file)) return env;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m?.[1]) env[m[1]] = (m[2] ?? '').replace(/^"(.*)"$/, '$1');
  }
  return env;
}

/** .sandbox/env (written by sandbox/up.sh), or the observability part alone when only sandbox/obs is up. */
function readEnv(): Env {
  const env = parseEnvFile(join(SANDBOX_DIR, 'env'));
  return env.PROMETHEUS_URL ? env : { ...env, ...parseEnvFile(join(SANDBOX_DIR, 'env.d', 'obs.env')) };
}

async function reachable(url: string): Promise<boolean> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

/** Polls `fn` until `done` accepts its result or the deadline passes; returns the last result. */
async function eventually<T>(fn: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = await fn();
  while (!done(last) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    last = await fn();
  }
  return last;
}

let env: Env;
/** The alerts expected now: a certificate enters the expiry window as the scenario ages. */
let alerts: AlertFixture[] = [...ALERTS];

beforeAll(async () => {
  env = readEnv();
  const probes = [
    `${env.PROMETHEUS_URL}/-/ready`,
    `${env.ALERTMANAGER_URL}/-/ready`,
    `${env.LOKI_URL}/ready`,
    `${env.NTFY_URL}/v1/health`,
  ];
  const up = env.PROMETHEUS_URL && (await Promise.all(probes.map(reachable))).every(Boolean);
  if (!up) {
    execFileSync('bash', [join(REPO_ROOT, 'sandbox', 'obs', 'up.sh'), '--quiet-if-running'], {
      stdio: 'inherit',
      timeout: 300_000,
    });
    env = readEnv();
  }
  alerts = expectedAlerts((Date.now() - readSeedInfo('prometheus').seedTimeMs) / 1000);
}, 320_000);

async function getJson<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(30_000) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

function hasLabels(f: AlertFixture, labels: Record<string, string>): boolean {
  return (
    labels.alertname === f.alertname &&
    labels.severity === f.severity &&
    Object.entries(f.labels).every(([k, v]) => labels[k] === v)
  );
}

// ---------------------------------------------------------------------------------------------------------------

describe('fixtures', () => {
  const seededPods = new Set(k8s.pods.map((p) => `${p.namespace}/${p.name}`));
  const seededNodes = new Set(k8s.nodes.map((n) => n.name));

  it('name only pods, nodes and namespaces of the Kubernetes seed in alerts and log streams', () => {
    const named: string[] = [];
    for (const a of ALERTS) {
      if (a.labels.pod) named.push(`pod ${a.labels.namespace}/${a.labels.pod}`);
      if (a.labels.node) named.push(`node ${a.labels.node}`);
    }
    for (const s of LOG_STREAMS) {
      if (s.labels.pod) named.push(`pod ${s.labels.namespace}/${s.labels.pod}`);
      if (s.labels.node) named.push(`node ${s.labels.node}`);
    }
    const unknown = named.filter((x) =>
      x.startsWith('pod ') ? !seededPods.has(x.slice(4)) : !seededNodes.has(x.slice(5)),
    );
    expect(unknown).toEqual([]);
    const namespaces = new Set([...ALERTS, ...LOG_STREAMS].map((x) => x.labels.namespace).filter(Boolean));
    expect([...namespaces].filter((n) => !k8s.allNamespaces.includes(n as string))).toEqual([]);
  });

  it("alert on the seed's crash loop, NotReady node, expiring certificate and failing Flux appliers", () => {
    const crash = k8s.pods.filter((p) => p.state === 'CrashLoopBackOff');
    const of = (name: string): Record<string, string>[] =>
      ALERTS.filter((a) => a.alertname === name).map((a) => a.labels);
    expect(of('KubePodCrashLooping').map((l) => l.pod)).toEqual(crash.map((p) => p.name));
    expect(of('KubeNodeNotReady').map((l) => l.node)).toEqual(k8s.notReadyNodes);
    expect(of('CertificateExpiringSoon').map((l) => `${l.namespace}/${l.name}`)).toEqual(
      k8s.certificatesExpiringWithin(7).map((c) => `${c.namespace}/${c.name}`),
    );
    expect(of('FluxReconciliationFailure').map((l) => `${l.kind}/${l.namespace}/${l.name}`)).toEqual(
      k8s
        .fluxNotReady(['Kustomization', 'HelmRelease'])
        .filter((f) => f.ready === 'False')
        .map((f) => `${f.kind}/${f.namespace}/${f.name}`),
    );
  });
});

describe('Prometheus', () => {
  interface Vector {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] };
  }
  const query = (q: string): Promise<Vector> =>
    getJson<Vector>(`${env.PROMETHEUS_URL}/api/v1/query?query=${encodeURIComponent(q)}`);

  it('has every rule alert of the fixtures with its state', async () => {
    const res = await query('ALERTS');
    for (const f of alerts) {
      const series = res.data.result.find((r) => hasLabels(f, r.metric));
      expect(series, `ALERTS for ${f.alertname}/${f.severity} ${JSON.stringify(f.labels)}`).toBeDefined();
      expect(series?.metric.alertstate).toBe(f.promState);
    }
    const firing = res.data.result.filter((r) => r.metric.alertstate === 'firing');
    expect(firing.length).toBe(alerts.filter((f) => f.promState === 'firing').length);
  });

  it('scrapes every target, and the broken one reports up == 0', async () => {
    // Prometheus applies discovered targets on a 5 s tick: right after a start some have no sample yet.
    const seen = (r: Vector, t: (typeof SCRAPE_TARGETS)[number]): boolean =>
      r.data.result.some((x) => x.metric.job === t.job && x.metric.instance === t.labels.instance);
    const res = await eventually(
      () => query('up'),
      (r) => SCRAPE_TARGETS.every((t) => seen(r, t)),
    );
    for (const t of SCRAPE_TARGETS) {
      const expected = t.broken ? '0' : '1';
      const series = res.data.result.find(
        (r) => r.metric.job === t.job && r.metric.instance === t.labels.instance,
      );
      expect(series?.value[1], `up{job="${t.job}",instance="${t.labels.instance}"}`).toBe(expected);
    }
  });

  it('serves the exporter series with their documented labels', async () => {
    for (const [name, labelNames] of Object.entries(EXPORTER_SERIES)) {
      const res = await getJson<{ data: Record<string, string>[] }>(
        `${env.PROMETHEUS_URL}/api/v1/series?match[]=${encodeURIComponent(name)}&start=${Math.floor(Date.now() / 1000) - 600}`,
      );
      expect(res.data.length, name).toBeGreaterThan(0);
      // Empty labels are dropped (an unscheduled pod has no node), so each is on some series.
      const missing = ['job', 'instance', ...labelNames].filter((l) => !res.data.some((x) => l in x));
      expect(missing, `${name} labels`).toEqual([]);
    }
  });

  it("reports the Kubernetes seed's nodes and pods", async () => {
    const nodes = await query('kube_node_info');
    expect(nodes.data.result.map((r) => r.metric.node).sort()).toEqual(k8s.nodes.map((n) => n.name).sort());
    const pods = await query('kube_pod_info');
    expect(pods.data.result.map((r) => `${r.metric.namespace}/${r.metric.pod}`).sort()).toEqual(
      k8s.pods.map((p) => `${p.namespace}/${p.name}`).sort(),
    );
    const notReady = await query('kube_node_status_condition{condition="Ready",status="true"} == 0');
    expect(notReady.data.result.map((r) => r.metric.node)).toEqual(k8s.notReadyNodes);
  });

  it("reports the crash-looping pod's restarts and last termination as the cluster does", async () => {
    const { pod, container } = CRASH_LOOP;
    const seeded = k8s.pods.find((p) => p.name === pod.name);
    const sel = `{namespace="${pod.namespace}",pod="${pod.name}",container="${container}"}`;
    const restarts = await query(`kube_pod_container_status_restarts_total${sel}`);
    expect(restarts.data.result.map((r) => Number(r.value[1]))).toEqual([seeded?.restarts]);
    const last = await query(`kube_pod_container_status_last_terminated_reason${sel}`);
    expect(last.data.result.map((r) => r.metric.reason)).toEqual([seeded?.lastTermination?.reason]);
    const waiting = await query(`kube_pod_container_status_waiting_reason${sel}`);
    expect(waiting.data.result.map((r) => r.metric.reason)).toEqual([seeded?.state]);
  });

  it('reports certificate expiry at the seeded notAfter, counted from the scenario anchor', async () => {
    const anchor = Math.floor(readSeedInfo('prometheus').seedTimeMs / 1000);
    const res = await query('certmanager_certificate_expiration_timestamp_seconds');
    const got = Object.fromEntries(
      res.data.result.map((r) => [`${r.metric.namespace}/${r.metric.name}`, Number(r.value[1]) - anchor]),
    );
    const want = Object.fromEntries(
      CERTIFICATES.filter((c) => c.notAfterDays !== null).map((c) => [
        `${c.namespace}/${c.name}`,
        (c.notAfterDays as number) * k8s.DAY,
      ]),
    );
    expect(got).toEqual(want);
  });

  it(`has ${BACKFILL_DAYS} days of history, dense enough for rate() over 5m`, async () => {
    const end = Math.floor(Date.now() / 1000);
    const start = end - BACKFILL_DAYS * 86400;
    const step = Math.floor((end - start) / 60);
    const q = encodeURIComponent('sum(rate(http_requests_total{job="apps"}[5m]))');
    const res = await getJson<{ data: { resultType: string; result: { values: [number, string][] }[] } }>(
      `${env.PROMETHEUS_URL}/api/v1/query_range?query=${q}&start=${start}&end=${end}&step=${step}`,
    );
    expect(res.data.resultType).toBe('matrix');
    expect(res.data.result[0]?.values.length).toBeGreaterThanOrEqual(58);
  });
});

describe('Alertmanager', () => {
  interface AmAlert {
    labels: Record<string, string>;
    annotations: Record<string, string>;
    receivers: { name: string }[];
    status: { state: string; silencedBy: string[]; inhibitedBy: string[] };
  }

  it('lists the alerts with severity, summary and receiver; the silenced and the inhibited one are suppressed', async () => {
    const expected = alerts;
    const got = await getJson<AmAlert[]>(`${env.ALERTMANAGER_URL}/api/v2/alerts`);
    for (const f of expected) {
      const a = got.find((x) => hasLabels(f, x.labels));
      if (!f.amState) {
        expect(a, `${f.alertname} is pending and never sent`).toBeUndefined();
        continue;
      }
      expect(a, `${f.alertname}/${f.severity} in Alertmanager`).toBeDefined();
      expect(a?.status.state).toBe(f.amState);
      expect(a?.annotations.summary).toBe(f.summary);
      expect(a?.annotations.description).toBeTruthy();
      expect(a?.receivers.map((r) => r.name)).toContain(f.receiver);
      expect((a?.status.silencedBy.length ?? 0) > 0).toBe(f.suppressedBy === 'silence');
      expect((a?.status.inhibitedBy.length ?? 0) > 0).toBe(f.suppressedBy === 'inhibition');
    }
  });

  it('leaves suppressed alerts out when asked for active ones only', async () => {
    const got = await getJson<AmAlert[]>(
      `${env.ALERTMANAGER_URL}/api/v2/alerts?silenced=false&inhibited=false`,
    );
    for (const f of alerts.filter((x) => x.amState)) {
      expect(
        got.some((a) => hasLabels(f, a.labels)),
        `${f.alertname}/${f.severity}`,
      ).toBe(f.amState === 'active');
    }
  });

  it("keeps the sandbox's silence", async () => {
    const silences = await getJson<{ createdBy: string; comment: string; status: { state: string } }[]>(
      `${env.ALERTMANAGER_URL}/api/v2/silences`,
    );
    expect(
      silences.some(
        (s) =>
          s.createdBy === SILENCE.createdBy && s.comment === SILENCE.comment && s.status.state === 'active',
      ),
    ).toBe(true);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('Loki stand-in', () => {
  interface Streams {
    status: string;
    data: { resultType: string; result: { stream: Record<string, string>; values: [string, string][] }[] };
  }
  let seedMs: number;
  beforeAll(() => {
    seedMs = readSeedInfo('loki').seedTimeMs;
  });
  const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
  const rangeUrl = (params: Record<string, string>): string =>
    `${env.LOKI_URL}/loki/api/v1/query_range?${new URLSearchParams(params)}`;
  const stream = (pod: string): LogStreamFixture => {
    const s = LOG_STREAMS.find((x) => x.labels.pod === pod);
    if (!s) throw new Error(`no stream for ${pod}`);
    return s;
  };
  const seeded = (s: LogStreamFixture): { ts: bigint; line: string }[] =>
    s.entries.map((e, i) => ({ ts: entryTimestampNs(seedMs, s, i), line: e.line }));

  const crashPod = CRASH_LOOP.pod;

  it("query_range returns a pod's seeded lines with their labels and timestamps", async () => {
    const s = stream(crashPod.name);
    const res = await getJson<Streams>(
      rangeUrl({
        query: `{namespace="${crashPod.namespace}", pod="${crashPod.name}"}`,
        start: ns(seedMs - 4 * 3600_000),
        end: ns(seedMs + 1000),
        limit: '1000',
        direction: 'forward',
      }),
    );
    expect(res.status).toBe('success');
    expect(res.data.resultType).toBe('streams');
    expect(res.data.result).toHaveLength(1);
    expect(res.data.result[0]?.stream).toEqual(s.labels);
    expect(res.data.result[0]?.values).toEqual(seeded(s).map((e) => [e.ts.toString(), e.line]));
  });

  it("holds the OOMKilled pod's last lines before its seeded last termination, and the kernel's kill", async () => {
    const termination = k8s.pods.find((p) => p.name === crashPod.name)?.lastTermination;
    expect(termination?.reason).toBe('OOMKilled');
    const terminatedMs = seedMs - (termination?.agoSec ?? 0) * 1000;
    const last = await getJson<Streams>(
      rangeUrl({
        query: `{namespace="${crashPod.namespace}", pod="${crashPod.name}", container="${CRASH_LOOP.container}"}`,
        start: ns(terminatedMs - 3600_000),
        end: ns(terminatedMs + 1000),
        limit: '1',
      }),
    );
    expect(last.data.result[0]?.values.map((v) => v[1])).toEqual([OOM_LINE]);
    const kernel = await getJson<Streams>(
      rangeUrl({
        query: `{node="${crashPod.node}", job="node/kernel"} |= "Killed process"`,
        start: ns(terminatedMs - 1000),
        end: ns(terminatedMs + 1000),
      }),
    );
    const kill = kernel.data.result.flatMap((r) => r.values);
    expect(kill).toHaveLength(1);
    expect(kill[0]?.[1]).toContain(`(${CRASH_LOOP.container})`);
    expect(Number(BigInt(kill[0]?.[0] ?? '0') / 1_000_000n)).toBeGreaterThanOrEqual(terminatedMs);
  });

  it("has the failing Flux objects' messages in their controllers' error lines", async () => {
    const failing = k8s.fluxNotReady(['Kustomization', 'HelmRelease']).filter((f) => f.ready === 'False');
    for (const f of failing) {
      const res = await getJson<Streams>(
        rangeUrl({
          query: `{namespace="flux-system", container="manager"} |= ${JSON.stringify(`"name":"${f.name}"`)} |= "error"`,
          start: ns(seedMs - 30 * 3600_000),
          end: ns(seedMs + 1000),
          limit: '1',
        }),
      );
      const line = res.data.result[0]?.values[0]?.[1] ?? '';
      expect((JSON.parse(line) as { error?: string }).error, `${f.kind} ${f.name}`).toBe(f.message);
    }
  });

  it('applies chained line filters and returns the newest entries first up to the limit', async () => {
    const namespace = crashPod.namespace;
    const res = await getJson<Streams>(
      rangeUrl({
        query: `{namespace="${namespace}"} |= "level=" != "level=info"`,
        start: ns(seedMs - 30 * 3600_000),
        end: ns(seedMs + 1000),
        limit: '3',
      }),
    );
    const expected = LOG_STREAMS.filter(
      (s) => s.tenant === LOKI_DEFAULT_TENANT && s.labels.namespace === namespace,
    )
      .flatMap(seeded)
      .filter((e) => e.line.includes('level=') && !e.line.includes('level=info'))
      .sort((a, b) => (a.ts < b.ts ? 1 : -1))
      .slice(0, 3);
    expect(expected.length).toBeGreaterThan(0);
    const got = res.data.result
      .flatMap((r) => r.values)
      .sort((a, b) => (BigInt(a[0]) < BigInt(b[0]) ? 1 : -1));
    expect(got).toEqual(expected.map((e) => [e.ts.toString(), e.line]));
  });

  it('matches regexes fully anchored and line regexes anywhere', async () => {
    const bearer = LOG_STREAMS.find((s) => s.entries.some((e) => e.line === BEARER_LINE)) as LogStreamFixture;
    const { app, container } = bearer.labels;
    const res = await getJson<Streams>(
      rangeUrl({
        query: `{pod=~"${app}-.*", container="${container}"} |~ "Bearer [A-Za-z0-9._-]+"`,
        start: ns(seedMs - 6 * 3600_000),
        end: ns(seedMs + 1000),
      }),
    );
    const lines = res.data.result.flatMap((r) => r.values.map((v) => v[1]));
    expect(lines).toEqual([BEARER_LINE]);
    const anchored = await getJson<Streams>(
      rangeUrl({ query: `{pod=~"${app}"}`, start: ns(seedMs - 6 * 3600_000), end: ns(seedMs + 1000) }),
    );
    expect(anchored.data.result).toEqual([]);
  });

  it('answers a metric query with a matrix', async () => {
    const t = seedMs;
    const res = await getJson<{
      data: { resultType: string; result: { metric: Record<string, string>; values: [number, string][] }[] };
    }>(
      rangeUrl({
        query: `sum by (pod) (count_over_time({namespace="${crashPod.namespace}", app="${crashPod.app}"} |= "${OOM_MESSAGE}" [1h]))`,
        start: ns(t - 3600_000),
        end: ns(t),
        step: '3600',
      }),
    );
    expect(res.data.resultType).toBe('matrix');
    const entries = seeded(stream(crashPod.name)).filter((e) => e.line.includes(OOM_MESSAGE));
    const countAt = (endMs: number): number => {
      const end = BigInt(endMs) * 1_000_000n;
      return entries.filter((e) => e.ts > end - 3600_000_000_000n && e.ts <= end).length;
    };
    expect(res.data.result).toEqual([
      {
        metric: { pod: crashPod.name },
        values: [
          [(t - 3600_000) / 1000, String(countAt(t - 3600_000))],
          [t / 1000, String(countAt(t))],
        ].filter((v) => v[1] !== '0'),
      },
    ]);
  });

  it('lists label names and values, per tenant', async () => {
    const window = `start=${ns(seedMs - 6 * 3600_000)}&end=${ns(seedMs + 1000)}`;
    const names = await getJson<{ data: string[] }>(`${env.LOKI_URL}/loki/api/v1/labels?${window}`);
    expect(names.data).toEqual(expect.arrayContaining(['app', 'container', 'namespace', 'pod']));
    const namespacesOf = (tenant: string): string[] =>
      [
        ...new Set(
          LOG_STREAMS.filter(
            (s) =>
              s.tenant === tenant && s.labels.namespace && s.entries.some((e) => e.ageSeconds <= 6 * 3600),
          ).map((s) => s.labels.namespace as string),
        ),
      ].sort();
    const values = await getJson<{ data: string[] }>(
      `${env.LOKI_URL}/loki/api/v1/label/namespace/values?${window}`,
    );
    expect(values.data).toEqual(namespacesOf(LOKI_DEFAULT_TENANT));
    const other = await getJson<{ data: string[] }>(
      `${env.LOKI_URL}/loki/api/v1/label/namespace/values?${window}`,
      {
        headers: { 'X-Scope-OrgID': LOKI_OTHER_TENANT },
      },
    );
    expect(other.data).toEqual(namespacesOf(LOKI_OTHER_TENANT));
  });

  it("rejects an invalid query with Loki's 400 and plain-text parse error", async () => {
    const res = await fetch(rangeUrl({ query: '{namespace="apps"' }));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe(
      'parse error at line 1, col 18: syntax error: unexpected $end, expecting } or ,\n',
    );
    const unexpected = await fetch(rangeUrl({ query: '{namespace="apps"} |= level' }));
    expect(await unexpected.text()).toBe(
      'parse error at line 1, col 23: syntax error: unexpected IDENTIFIER, expecting STRING or ip\n',
    );
  });

  it('validates limit, direction and time range like Loki', async () => {
    const cases: Record<string, string>[] = [
      { query: '{namespace="apps"}', limit: '0' },
      { query: '{namespace="apps"}', direction: 'sideways' },
      { query: '{namespace="apps"}', start: '2000', end: '1000' },
      { query: '{namespace="apps"}', limit: '5001' },
    ];
    const texts = await Promise.all(
      cases.map(async (p) => {
        const res = await fetch(rangeUrl(p));
        return `${res.status} ${await res.text()}`;
      }),
    );
    expect(texts).toEqual([
      '400 limit must be a positive value\n',
      "400 invalid direction 'sideways'\n",
      '400 end timestamp must not be before or equal to start time\n',
      '400 max entries limit per query exceeded, limit > max_entries_limit_per_query (5001 > 5000)\n',
    ]);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('ntfy stand-in', () => {
  let seedSec: number;
  let auth: Record<string, string>;
  beforeAll(() => {
    seedSec = Math.floor(readSeedInfo('ntfy').seedTimeMs / 1000);
    auth = { Authorization: `Bearer ${env.NTFY_TOKEN}` };
  });

  async function poll(path: string): Promise<Record<string, unknown>[]> {
    const res = await fetch(`${env.NTFY_URL}${path}`, { headers: auth, signal: AbortSignal.timeout(10_000) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    const text = await res.text();
    return text === ''
      ? []
      : text
          .trimEnd()
          .split('\n')
          .map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** The message as upstream serialises it: field order, omitted empties. */
  function expected(m: (typeof NTFY_MESSAGES)[number]): Record<string, unknown> {
    const time = seedSec - m.ageSeconds;
    const o: Record<string, unknown> = {
      id: m.id,
      time,
      expires: time + NTFY_CACHE_SECONDS,
      event: 'message',
      topic: m.topic,
    };
    if (m.title) o.title = m.title;
    o.message = m.message;
    if (m.priority) o.priority = m.priority;
    if (m.tags) o.tags = m.tags;
    if (m.click) o.click = m.click;
    if (m.icon) o.icon = m.icon;
    if (m.attachment) o.attachment = m.attachment;
    if (m.contentType) o.content_type = m.contentType;
    return o;
  }

  const byAge = [...NTFY_MESSAGES].sort((a, b) => b.ageSeconds - a.ageSeconds);

  it("polls a topic's seeded messages, oldest first, exactly as upstream serialises them", async () => {
    const got = await poll('/homelab-alerts/json?poll=1&since=all');
    const want = byAge.filter((m) => m.topic === 'homelab-alerts').map(expected);
    expect(got).toEqual(want);
    // Same keys in the same order: upstream's struct order, omitempty.
    expect(got.map((m) => Object.keys(m))).toEqual(want.map((m) => Object.keys(m)));
  });

  it('filters by since: unix time, message id, latest', async () => {
    const both = await poll(`/homelab-alerts,backups/json?poll=1&since=${seedSec - 3 * 3600}`);
    expect(both.map((m) => m.id)).toEqual(byAge.filter((m) => m.ageSeconds <= 3 * 3600).map((m) => m.id));
    const pivot = byAge[5] as (typeof byAge)[number];
    const afterId = await poll(`/homelab-alerts,backups/json?poll=1&since=${pivot.id}`);
    expect(afterId.map((m) => m.id)).toEqual(byAge.slice(6).map((m) => m.id));
    const latest = await poll('/backups/json?poll=1&since=latest');
    expect(latest.map((m) => m.id)).toEqual([byAge.filter((m) => m.topic === 'backups').at(-1)?.id]);
    const none = await poll('/backups/json?poll=1&since=1s');
    expect(none).toEqual([]);
  });

  it('filters by priority and tags', async () => {
    const urgent = await poll('/homelab-alerts,backups/json?poll=1&priority=urgent');
    expect(urgent.map((m) => m.id)).toEqual(byAge.filter((m) => m.priority === 5).map((m) => m.id));
    const tagged = await poll('/homelab-alerts/json?poll=1&tags=floppy_disk,warning');
    expect(tagged.map((m) => m.id)).toEqual(
      byAge
        .filter(
          (m) => m.topic === 'homelab-alerts' && ['floppy_disk', 'warning'].every((t) => m.tags?.includes(t)),
        )
        .map((m) => m.id),
    );
  });

  it("refuses without the token (403) and with a wrong one (401), in upstream's error JSON", async () => {
    const anonymous = await fetch(`${env.NTFY_URL}/backups/json?poll=1`);
    expect(anonymous.status).toBe(403);
    expect(await anonymous.json()).toEqual({
      code: 40301,
      http: 403,
      error: 'forbidden',
      link: 'https://ntfy.sh/docs/publish/#authentication',
    });
    const wrong = await fetch(`${env.NTFY_URL}/backups/json?poll=1`, {
      headers: { Authorization: 'Bearer tk_wrong' },
    });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      code: 40101,
      http: 401,
      error: 'unauthorized',
      link: 'https://ntfy.sh/docs/publish/#authentication',
    });
    const badSince = await fetch(`${env.NTFY_URL}/backups/json?poll=1&since=yesterday`, { headers: auth });
    expect(badSince.status).toBe(400);
    expect(((await badSince.json()) as { code: number }).code).toBe(40008);
  });

  it('publishes with headers and returns the stored message', async () => {
    const topic = `test-${Date.now()}`;
    const res = await fetch(`${env.NTFY_URL}/${topic}`, {
      method: 'POST',
      headers: {
        ...auth,
        Title: 'Disk <full>',
        Priority: 'high',
        Tags: 'warning, disk',
        Click: 'https://example.org/x',
      },
      body: `${FILESYSTEMS[0]?.node} ${FILESYSTEMS[0]?.mountpoint} is 95% full`,
    });
    const published = (await res.json()) as Record<string, unknown>;
    expect(published).toMatchObject({
      event: 'message',
      topic,
      title: 'Disk <full>',
      priority: 4,
      tags: ['warning', 'disk'],
    });
    const got = await poll(`/${topic}/json?poll=1`);
    expect(got).toEqual([published]);
  });
});

// ---------------------------------------------------------------------------------------------------------------

describe('stop and start', () => {
  const probes: Record<'prometheus' | 'alertmanager' | 'loki' | 'ntfy', () => string> = {
    prometheus: () => `${env.PROMETHEUS_URL}/-/ready`,
    alertmanager: () => `${env.ALERTMANAGER_URL}/-/ready`,
    loki: () => `${env.LOKI_URL}/ready`,
    ntfy: () => `${env.NTFY_URL}/v1/health`,
  };

  for (const name of ['loki', 'ntfy', 'alertmanager', 'prometheus'] as const) {
    it(`stops ${name} (connection refused) and starts it again with its data`, async () => {
      await stopBackend(name);
      await expect(fetch(probes[name](), { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
      await stopBackend(name); // idempotent
      await startBackend(name);
      expect(await reachable(probes[name]())).toBe(true);
      if (name === 'loki') {
        const res = await getJson<{ data: { result: unknown[] } }>(
          `${env.LOKI_URL}/loki/api/v1/query_range?${new URLSearchParams({ query: `{pod="${CRASH_LOOP.pod.name}"}`, since: '24h', limit: '5' })}`,
        );
        expect(res.data.result).toHaveLength(1);
      }
      if (name === 'ntfy') {
        const res = await fetch(`${env.NTFY_URL}/backups/json?poll=1`, {
          headers: { Authorization: `Bearer ${env.NTFY_TOKEN}` },
        });
        expect((await res.text()).trimEnd().split('\n')).toHaveLength(
          NTFY_MESSAGES.filter((m) => m.topic === 'backups').length,
        );
      }
      if (name === 'alertmanager' || name === 'prometheus') {
        // startBackend waited for the alerts; they are back in Alertmanager.
        const got = await eventually(
          () => getJson<{ labels: Record<string, string> }[]>(`${env.ALERTMANAGER_URL}/api/v2/alerts`),
          (xs) => alerts.filter((f) => f.amState).every((f) => xs.some((a) => hasLabels(f, a.labels))),
        );
        expect(alerts.filter((f) => f.amState).every((f) => got.some((a) => hasLabels(f, a.labels)))).toBe(
          true,
        );
      }
    }, 180_000);
  }
});
