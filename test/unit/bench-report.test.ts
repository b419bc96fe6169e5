import { describe, expect, it } from 'vitest';
import { buildChart, evaluateTargets, renderMarkdown } from '../../bench/lib/report.ts';
import type { ToolListSizes } from '../../bench/lib/stats.ts';
import type { QuestionResult, Results, ServerResult } from '../../bench/lib/types.ts';

const summary = (p50: number) => ({ n: 20, min: p50, p50, p95: p50, max: p50, mean: p50 });
const sizes = (tools: number, visiblePerTool: number, wholePerTool: number): ToolListSizes => ({
  tools,
  wholeBytes: tools * wholePerTool,
  wholePerTool,
  visibleBytes: tools * visiblePerTool,
  visiblePerTool,
  withOutputSchema: tools,
  perTool: [
    {
      name: 'get_pods',
      visibleBytes: visiblePerTool,
      wholeBytes: wholePerTool,
      descriptionBytes: 100,
      inputSchemaBytes: 300,
      paramDescriptionBytes: 150,
      outputSchemaBytes: 600,
    },
  ],
});
const allPods = (p50: number, extra: Partial<QuestionResult> = {}): QuestionResult => ({
  id: 'all_pods',
  label: 'all pods',
  status: 'ok',
  tool: 'get_pods',
  args: {},
  latencyMs: summary(p50),
  textBytes: 12_000,
  wireBytes: 30_000,
  items: 50,
  truth: 10_000,
  ...extra,
});
const server = (
  id: 'ours' | 'kms' | 'msk',
  q: QuestionResult,
  more: Partial<ServerResult> = {},
): ServerResult => ({
  id,
  label: id,
  version: '1',
  transport: 'http',
  config: 'default',
  command: 'x',
  startup: { firstCallTool: 't', readyMs: 400, firstCallMs: 450 },
  memory: { idleMib: 100, afterLoadMib: 200, peakMib: 210 },
  questions: [q],
  ...more,
});

function results(over: Partial<Results> = {}): Results {
  return {
    generatedAt: '2026-11-25T00:00:00.000Z',
    durationSeconds: 600,
    machine: { nproc: 2, memTotalMib: 24_000, cpuModel: 'cpu', kernel: 'k', os: 'os' },
    versions: { node: 'v24' },
    method: {
      calls: 20,
      warmups: 2,
      budgetSecondsPerQuestion: 45,
      client: 'c',
      kubeconfig: 'k',
      throughputClient: 't',
      concurrency: 16,
      throughputCalls: 100_000,
      oursNodeOptions: '',
      oursNodeFlags: '',
    },
    cluster: {
      podsRequested: 10_000,
      pods: 10_000,
      problemPods: 400,
      namespaces: 30,
      nodes: 5,
      events: 900,
      namespace: 'scale-0',
      namespacePods: 500,
      eventsNamespace: 'scale-0',
      namespaceEvents: 90,
    },
    apiFloor: [{ what: 'full list of all pods (JSON)', latencyMs: summary(300), bytes: 1 }],
    importCost: [{ what: 'bare node', rssMib: 44, importMs: 0 }],
    servers: [
      server('ours', allPods(20, { statedTotal: 10_000, saidCut: true, complete: false }), {
        toolList: sizes(14, 450, 1100),
      }),
      server('kms', allPods(400), { toolList: sizes(15, 774, 1156) }),
    ],
    variants: [],
    throughput: [
      {
        mode: '2026-07-28 (stateless)',
        tool: 'get_version',
        concurrency: 16,
        calls: 100_000,
        ok: 100_000,
        failed: 0,
        seconds: 30,
        callsPerSecond: 3000,
        latencyMs: summary(5),
      },
    ],
    leak: {
      calls: 100_000,
      series: [],
      before: { calls: 0, rssMib: 120, heapUsedMib: 30 },
      after: { calls: 100_000, rssMib: 240, heapUsedMib: 31 },
      afterSettle: { calls: 100_000, rssMib: 150, heapUsedMib: 30 },
      rssSlopeMibPer10k: 0.1,
      heapSlopeMibPer10k: 0,
      heapIsLive: true,
      verdict: 'flat',
    },
    loadavg: [{ phase: 'start', avg1: 0.1, avg5: 0.1 }],
    targets: [],
    notes: [],
    ...over,
  };
}

const byId = (r: Results) => Object.fromEntries(evaluateTargets(r).map((t) => [t.id, t]));

describe('evaluateTargets', () => {
  it('meets every target when the figures are within their limits', () => {
    const t = byId(results());
    for (const id of [
      'visible-per-tool',
      'whole-per-tool',
      'get-pods-speedup',
      'get-pods-answer',
      'throughput',
      'idle-rss',
      'after-load-rss',
      'ready',
    ])
      expect(t[id]?.met, id).toBe(true);
  });

  it('gives the speed-up as the ratio of the p50s with a signed margin', () => {
    const t = byId(results());
    expect(t['get-pods-speedup']?.value).toBe(20);
    expect(t['get-pods-speedup']?.margin).toBe(10);
  });

  it('misses a byte budget by the bytes over it', () => {
    const r = results();
    r.servers[0]!.toolList = sizes(14, 784, 2621);
    const t = byId(r);
    expect(t['visible-per-tool']).toMatchObject({ met: false, margin: -284 });
    expect(t['whole-per-tool']).toMatchObject({ met: false, margin: -1421 });
  });

  it('misses the answer target when a cut answer does not say so', () => {
    const r = results();
    r.servers[0]!.questions[0] = allPods(20, { statedTotal: 10_000, saidCut: false, complete: false });
    expect(byId(r)['get-pods-answer']?.met).toBe(false);
  });

  it('misses the memory target when memory grows even under the limit', () => {
    const r = results();
    r.leak!.verdict = 'growing';
    expect(byId(r)['after-load-rss']?.met).toBe(false);
  });

  it('judges start-up on the median of the repeated starts rather than the first one', () => {
    const r = results();
    r.servers[0]!.startup.readyMs = 1500;
    r.servers[0]!.startupRepeats = { readyMs: summary(700), firstCallMs: summary(720) };
    expect(byId(r).ready).toMatchObject({ value: 700, met: true });
  });

  it('reports a target it could not measure as not measured', () => {
    const t = byId(results({ throughput: [] }));
    expect(t.throughput).toMatchObject({ met: null, value: null });
  });

  it('reports the speed-up as not measured when get_pods is missing', () => {
    const r = results();
    r.servers[0]!.questions[0] = {
      id: 'all_pods',
      label: 'all pods',
      status: 'tool missing',
      missing: 'get_pods',
    };
    expect(byId(r)['get-pods-speedup']?.met).toBeNull();
  });
});

describe('renderMarkdown', () => {
  it('lists every target with its verdict and links the chart and the raw figures', () => {
    const r = results();
    r.targets = evaluateTargets(r);
    const md = renderMarkdown(r);
    expect(md).toContain('![');
    expect(md).toContain('(benchmarks.svg)');
    expect(md).toContain('(benchmarks.json)');
    expect(md.match(/\*\*met\*\*/g)).toHaveLength(8);
  });
});

describe('buildChart', () => {
  it('has one bar per server in every latency group', () => {
    const chart = buildChart(results());
    expect(chart.series.map((s) => s.label)).toEqual(['ours', 'kms']);
    for (const group of chart.panels[0]!.bars) expect(group).toHaveLength(2);
  });
});
