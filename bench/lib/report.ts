/** Turns one run's figures into the target verdicts, the chart and docs/benchmarks.md. Pure: no I/O. */
import { QUESTIONS } from './servers.ts';
import type { Bar, Chart, Panel } from './svg.ts';
import type { QuestionResult, Results, ServerResult, StartupRepeats, TargetResult } from './types.ts';

export const LIMITS = {
  visiblePerTool: 500,
  wholePerTool: 1200,
  speedup: 10,
  answerBytes: 16 * 1024,
  callsPerSecond: 2500,
  idleMib: 120,
  afterLoadMib: 250,
  readyMs: 1000,
} as const;

const COLORS: Record<string, string> = { ours: '#2563eb', kms: '#ea580c', msk: '#16a34a' };

const server = (r: Results, id: string): ServerResult | undefined => r.servers.find((s) => s.id === id);
const question = (s: ServerResult | undefined, id: string): QuestionResult | undefined =>
  s?.questions.find((q) => q.id === id);
const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;
const fmt = (v: number | undefined | null, unit = '') =>
  v === undefined || v === null ? '—' : `${v.toLocaleString('en-US')}${unit}`;

function target(
  id: string,
  text: string,
  value: number | null | undefined,
  limit: number,
  unit: string,
  higherIsBetter: boolean,
  reason: string,
  extraOk = true,
): TargetResult {
  if (value === null || value === undefined || Number.isNaN(value))
    return { id, text, value: null, limit, unit, met: null, margin: null, reason: `not measured: ${reason}` };
  const margin = round(higherIsBetter ? value - limit : limit - value);
  return { id, text, value: round(value), limit, unit, met: margin >= 0 && extraOk, margin, reason };
}

/** Every target of issue 9, met or missed, by how much, with the figures that explain it. */
export function evaluateTargets(r: Results): TargetResult[] {
  const ours = server(r, 'ours');
  const kms = server(r, 'kms');
  const msk = server(r, 'msk');
  const out: TargetResult[] = [];
  const tl = ours?.toolList;
  const biggest = tl
    ? [...tl.perTool]
        .sort((a, b) => b.visibleBytes - a.visibleBytes)
        .slice(0, 3)
        .map((t) => `${t.name} ${t.visibleBytes} B`)
        .join(', ')
    : '';
  const peerVisible = [kms, msk]
    .filter((s) => s?.toolList)
    .map((s) => `${s!.label} ${s!.toolList!.visiblePerTool} B/tool`)
    .join(', ');
  out.push(
    target(
      'visible-per-tool',
      'Model-visible tool list (name + description + input schema) ≤ 500 B per tool on average',
      tl?.visiblePerTool,
      LIMITS.visiblePerTool,
      'B',
      false,
      tl
        ? `${tl.tools} tools, ${tl.visibleBytes.toLocaleString('en-US')} B in all; largest: ${biggest}. Peers: ${peerVisible}.`
        : 'our tools/list was not read',
    ),
  );
  out.push(
    target(
      'whole-per-tool',
      'Whole tools/list (with output schemas) ≤ 1,200 B per tool',
      tl?.wholePerTool,
      LIMITS.wholePerTool,
      'B',
      false,
      tl
        ? `${tl.wholeBytes.toLocaleString('en-US')} B for ${tl.tools} tools (${tl.withOutputSchema} with an output schema).`
        : 'our tools/list was not read',
    ),
  );

  const oursPods = question(ours, 'all_pods');
  const kmsPods = question(kms, 'all_pods');
  const floorFull = r.apiFloor.find((f) => f.what.startsWith('full list'));
  const floorPage = r.apiFloor.find((f) => f.what.startsWith('first page'));
  const floorText = [floorFull, floorPage]
    .filter(Boolean)
    .map((f) => `${f!.what} p50 ${f!.latencyMs.p50} ms`)
    .join('; ');
  const noCache = r.variants.find((v) => v.id === 'ours');
  const noCachePods = question(noCache, 'all_pods');
  const cacheText = ours?.podCache
    ? ` With its pod cache (${ours.podCache.state}, ${fmt(ours.podCache.pods)} pods, synced ${fmt(ours.podCache.syncedMs)} ms after start); without it (KUBE_POD_CACHE=false) get_pods p50 ${fmt(noCachePods?.latencyMs?.p50)} ms.`
    : '';
  const speedup =
    oursPods?.latencyMs && kmsPods?.latencyMs && oursPods.status === 'ok'
      ? kmsPods.latencyMs.p50 / oursPods.latencyMs.p50
      : null;
  out.push(
    target(
      'get-pods-speedup',
      "get_pods on all pods: p50 ≥ 10× faster than kubernetes-mcp-server's pods_list",
      speedup,
      LIMITS.speedup,
      '×',
      true,
      oursPods?.status === 'ok'
        ? `get_pods p50 ${oursPods.latencyMs?.p50} ms vs pods_list p50 ${kmsPods?.latencyMs?.p50 ?? '—'} ms on ${r.cluster.pods.toLocaleString('en-US')} pods. API server alone (admin, from the harness): ${floorText}.${cacheText}`
        : `get_pods: ${oursPods?.status ?? 'not run'}${oursPods?.missing ? ` (${oursPods.missing})` : ''}`,
    ),
  );
  const statesTotal = oursPods?.statedTotal !== undefined;
  const honest = oursPods?.complete === true || oursPods?.saidCut === true;
  out.push(
    target(
      'get-pods-answer',
      'get_pods on all pods: answer ≤ 16 KB that states the total and that it was cut',
      oursPods?.textBytes,
      LIMITS.answerBytes,
      'B',
      false,
      oursPods?.status === 'ok'
        ? `${fmt(oursPods.textBytes)} B of text (${fmt(oursPods.wireBytes)} B on the wire with structuredContent), ${fmt(oursPods.items)} of ${fmt(oursPods.truth)} pods; total stated: ${statesTotal ? oursPods.statedTotal : 'no'}; said cut: ${oursPods.saidCut ? 'yes' : 'no'}. kubernetes-mcp-server: ${fmt(kmsPods?.textBytes)} B; mcp-server-kubernetes: ${fmt(question(msk, 'all_pods')?.textBytes)} B${question(msk, 'all_pods')?.isError ? ' (an error)' : ''}.`
        : `get_pods: ${oursPods?.status ?? 'not run'}`,
      statesTotal && honest,
    ),
  );

  const modern = r.throughput.find((t) => t.mode.startsWith('2026'));
  const legacy = r.throughput.find((t) => t.mode.startsWith('2025') && t.tool === 'get_version');
  const cpu = modern?.cpuSeconds;
  const perCall = (sec: number | undefined) =>
    sec === undefined || !modern?.calls ? '—' : ((sec * 1000) / modern.calls).toFixed(2);
  out.push(
    target(
      'throughput',
      'Trivial calls (get_version) ≥ 2,500/s at 16 concurrent clients, all tools registered',
      modern?.callsPerSecond,
      LIMITS.callsPerSecond,
      'calls/s',
      true,
      modern
        ? `${modern.calls.toLocaleString('en-US')} calls in ${modern.seconds} s, p50 ${modern.latencyMs.p50} ms, ${modern.failed} failed${legacy ? `; 2025-era requests: ${legacy.callsPerSecond}/s` : ''}. CPU used over the run: server ${cpu?.server ?? '—'} s (${perCall(cpu?.server)} ms per call), kube-apiserver ${cpu?.apiserver ?? '—'} s (${perCall(cpu?.apiserver)} ms per call), load generator ${cpu?.harness ?? '—'} s, other processes on the machine ${cpu?.other ?? '—'} s, on ${r.machine.nproc} cores.`
        : 'the throughput run did not happen',
    ),
  );
  const oursImport = r.importCost.find((c) => c.what.includes('@kubernetes/client-node'));
  const bare = r.importCost.find((c) => c.what === 'bare node');
  out.push(
    target(
      'idle-rss',
      'Idle memory ≤ 120 MB RSS',
      ours?.compiled?.idleMib ?? ours?.memory.idleMib,
      LIMITS.idleMib,
      'MiB',
      false,
      `idle RSS, compiled as the image runs it (node dist/server.js, no inspector), pod cache synced: ${fmt(ours?.compiled?.idleMib)} MiB, JS heap in use ${fmt(ours?.compiled?.liveHeapIdleMib)} MiB; from sources with the inspector attached (node src/server.ts): ${fmt(ours?.memory.idleMib)} MiB; bare Node ${fmt(bare?.rssMib)} MiB, Node + @kubernetes/client-node ${fmt(oursImport?.rssMib)} MiB (not loaded by the server). Peers idle: ${[kms, msk].map((s) => `${s?.label} ${fmt(s?.memory.idleMib)} MiB`).join(', ')}.`,
    ),
  );
  // One start is noisy: judge the median of the extra starts from sources when there are some.
  const srcStarts = ours?.startupRepeats;
  const binStarts = ours?.compiled?.repeats;
  const readyP50 = srcStarts?.readyMs.n ? srcStarts.readyMs.p50 : ours?.startup.readyMs;
  const readyN = srcStarts?.readyMs.n || (ours?.startup.readyMs === undefined ? 0 : 1);
  const leak = r.leak;
  const afterLoad = Math.max(ours?.memory.afterLoadMib ?? 0, leak?.after.rssMib ?? 0) || null;
  out.push(
    target(
      'after-load-rss',
      'After load ≤ 250 MB RSS and not growing',
      afterLoad,
      LIMITS.afterLoadMib,
      'MiB',
      false,
      `after the questions (10k-pod lists): ${fmt(ours?.memory.afterLoadMib)} MiB (peak ${fmt(ours?.memory.peakMib)} MiB); after ${leak ? leak.calls.toLocaleString('en-US') : '—'} trivial calls: ${fmt(leak?.after.rssMib)} MiB, ${fmt(leak?.afterSettle.rssMib)} MiB after 35 s idle; ${leak?.heapIsLive ? 'live heap after a forced GC' : 'heap used'} ${fmt(leak?.before.heapUsedMib)} → ${fmt(leak?.after.heapUsedMib)} → ${fmt(leak?.afterSettle.heapUsedMib)} MiB (before → after → 35 s later), slope over the second half ${fmt(leak?.heapSlopeMibPer10k)} MiB per 10k calls: ${leak?.verdict ?? 'not measured'}.`,
      leak ? leak.verdict === 'flat' : true,
    ),
  );
  out.push(
    target(
      'ready',
      'Ready (/readyz 200) within 1 s of process start',
      readyP50,
      LIMITS.readyMs,
      'ms',
      false,
      `p50 over ${readyN} starts from sources (node src/server.ts, TypeScript stripped at load): /readyz 200 after ${fmt(readyP50)} ms (${fmt(srcStarts?.readyMs.min ?? ours?.startup.readyMs)}–${fmt(srcStarts?.readyMs.max ?? ours?.startup.readyMs)}), first answered call ${fmt(srcStarts?.firstCallMs.p50 ?? ours?.startup.firstCallMs)} ms; compiled, as the image runs it (node dist/server.js): /readyz 200 after ${fmt(binStarts?.readyMs.p50 ?? ours?.compiled?.readyMs)} ms (p50 of ${binStarts?.readyMs.n ?? 1}).`,
    ),
  );
  return out;
}

/** The chart: p50 latency and answer size per question, then memory, for the three servers. */
export function buildChart(r: Results): Chart {
  const series = r.servers.map((s) => ({ label: s.label, color: COLORS[s.id] ?? '#777' }));
  const groups = QUESTIONS.map((q) => q.label);
  const bar = (q: QuestionResult | undefined, pick: (q: QuestionResult) => number | undefined): Bar => {
    if (!q || q.status === 'tool missing') return { value: null };
    const v = pick(q);
    if (v === undefined) return { value: null };
    return { value: v, tag: q.isError ? 'error' : undefined };
  };
  const latency: Panel = {
    title: 'p50 latency per question',
    unit: 'ms',
    groups,
    log: true,
    bars: QUESTIONS.map((q) => r.servers.map((s) => bar(question(s, q.id), (x) => x.latencyMs?.p50))),
  };
  const size: Panel = {
    title: 'Answer size (text the model reads)',
    unit: 'KB',
    groups,
    log: true,
    line: { value: LIMITS.answerBytes / 1024, label: '16 KB' },
    bars: QUESTIONS.map((q) =>
      r.servers.map((s) =>
        bar(question(s, q.id), (x) => (x.textBytes === undefined ? undefined : round(x.textBytes / 1024, 2))),
      ),
    ),
  };
  const memory: Panel = {
    title: 'Memory (RSS)',
    unit: 'MiB',
    groups: [
      'idle',
      'after the questions',
      `after ${r.leak ? r.leak.calls.toLocaleString('en-US') : ''} trivial calls`,
    ],
    log: false,
    line: { value: LIMITS.idleMib, label: 'idle target 120 MiB' },
    bars: [
      r.servers.map((s) => ({ value: s.memory.idleMib ?? null })),
      r.servers.map((s) => ({ value: s.memory.afterLoadMib ?? null })),
      r.servers.map((s) => ({ value: s.id === 'ours' ? (r.leak?.after.rssMib ?? null) : null })),
    ],
  };
  return {
    title: 'cluster-mcp vs kubernetes-mcp-server vs mcp-server-kubernetes',
    subtitle: `${r.cluster.pods.toLocaleString('en-US')} pods, ${r.cluster.nodes} nodes, ${r.cluster.events.toLocaleString('en-US')} events · ${r.machine.nproc} cores · ${r.generatedAt.slice(0, 10)}`,
    series,
    panels: [latency, size, memory],
  };
}

const yesNo = (v: boolean | undefined) => (v === undefined ? '—' : v ? 'yes' : 'no');
const esc = (t: string) => t.replaceAll('|', '\\|').replaceAll('\n', ' ');
const callText = (q: QuestionResult) =>
  q.tool ? `\`${q.tool}\` \`${JSON.stringify(q.args ?? {})}\`` : `tool missing (${q.missing ?? '?'})`;

/** docs/benchmarks.md. */
export function renderMarkdown(r: Results): string {
  const L: string[] = [];
  const verdict = (t: TargetResult) => (t.met === null ? 'not measured' : t.met ? '**met**' : '**missed**');
  L.push('# Benchmarks');
  L.push('');
  L.push(
    `Generated by \`npm run bench\` (bench/run.ts) on ${r.generatedAt} in ${Math.round(r.durationSeconds)} s. Every figure comes from one run on one machine: read them as ratios between the servers, not as absolutes. Raw figures: [benchmarks.json](benchmarks.json).`,
  );
  L.push('');
  L.push('![p50 latency, answer size and memory of the three servers](benchmarks.svg)');
  L.push('');
  L.push('## Targets (issue 9)');
  L.push('');
  L.push('| target | measured | limit | verdict | margin | figures behind it |');
  L.push('|---|---|---|---|---|---|');
  for (const t of r.targets)
    L.push(
      `| ${esc(t.text)} | ${fmt(t.value)} ${t.unit} | ${fmt(t.limit)} ${t.unit} | ${verdict(t)} | ${t.margin === null ? '—' : `${t.margin > 0 ? '+' : ''}${t.margin.toLocaleString('en-US')} ${t.unit}`} | ${esc(t.reason)} |`,
    );
  L.push('');
  L.push('## Per question');
  L.push('');
  L.push(
    `${r.method.calls} calls after ${r.method.warmups} warm-ups per question and server (fewer when a question's calls exceed ${r.method.budgetSecondsPerQuestion} s; n says how many). "Answer" is the text a model reads; "wire" adds structuredContent. "Complete" compares the answer with the cluster read directly by the harness: every pod or node name — for events, the name of every object they are about (answers may fold repeated events) — must appear in the answer. "Said cut": the answer itself says it is incomplete.`,
  );
  L.push('');
  for (const q of QUESTIONS) {
    const truth = r.servers.map((s) => question(s, q.id)?.truth).find((v) => v !== undefined);
    L.push(`### ${q.label} (${fmt(truth)} in the cluster)`);
    L.push('');
    L.push(
      '| server | call | n | p50 ms | p95 ms | answer B | wire B | items | complete | said cut | total stated |',
    );
    L.push('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const s of r.servers) {
      const x = question(s, q.id);
      if (!x) continue;
      const items =
        x.namesFound !== undefined
          ? `${fmt(x.items)} (names: ${fmt(x.namesFound)} of ${fmt(x.truthNames)})`
          : x.items !== undefined
            ? fmt(x.items)
            : '—';
      L.push(
        `| ${s.label} | ${esc(callText(x))}${x.isError ? ' → **error**' : ''} | ${fmt(x.latencyMs?.n)} | ${fmt(x.latencyMs?.p50)} | ${fmt(x.latencyMs?.p95)} | ${fmt(x.textBytes)} | ${fmt(x.wireBytes)} | ${items} | ${yesNo(x.complete)} | ${yesNo(x.saidCut)} | ${fmt(x.statedTotal)} |`,
      );
    }
    const notes = r.servers.flatMap((s) => {
      const x = question(s, q.id);
      const out: string[] = [];
      if (x?.note) out.push(`${s.label}: ${x.note}.`);
      if (x?.isError && x.excerpt)
        out.push(`${s.label} answered an error: “${esc(x.excerpt.slice(0, 200))}”.`);
      return out;
    });
    if (notes.length) {
      L.push('');
      for (const n of notes) L.push(`- ${n}`);
    }
    L.push('');
  }
  L.push('## Tool list');
  L.push('');
  L.push(
    'Bytes of the `tools/list` result as compact JSON. "Visible" is what a model is shown of each tool: `{name, description, inputSchema}`.',
  );
  L.push('');
  L.push(
    '| server | configuration | tools | whole B | whole B/tool | visible B | visible B/tool | with output schema |',
  );
  L.push('|---|---|---|---|---|---|---|---|');
  for (const s of r.servers) {
    const rows = [
      ...(s.toolList ? [{ config: s.config, sizes: s.toolList }] : []),
      ...(s.otherToolLists ?? []),
    ];
    for (const { config, sizes } of rows)
      L.push(
        `| ${s.label} | ${esc(config)} | ${sizes.tools} | ${fmt(sizes.wholeBytes)} | ${fmt(sizes.wholePerTool)} | ${fmt(sizes.visibleBytes)} | ${fmt(sizes.visiblePerTool)} | ${sizes.withOutputSchema} |`,
      );
  }
  const ours = server(r, 'ours');
  if (ours?.toolList) {
    L.push('');
    L.push(
      'Ours, per tool (the input schema minus its parameter descriptions is structure: types, enums, defaults, bounds):',
    );
    L.push('');
    L.push(
      '| tool | visible B | description B | input schema B | of which parameter descriptions B | output schema B | whole B |',
    );
    L.push('|---|---|---|---|---|---|---|');
    for (const t of ours.toolList.perTool)
      L.push(
        `| \`${t.name}\` | ${t.visibleBytes} | ${t.descriptionBytes} | ${t.inputSchemaBytes} | ${t.paramDescriptionBytes} | ${t.outputSchemaBytes} | ${t.wholeBytes} |`,
      );
  }
  L.push('');
  L.push('## Start-up and memory');
  L.push('');
  L.push(
    '| server | → session initialized ms | → first answered call ms (tool) | → /readyz 200 ms | idle RSS MiB | RSS after the questions MiB | peak RSS MiB | live heap after the questions MiB (RSS after that GC) |',
  );
  L.push('|---|---|---|---|---|---|---|---|');
  for (const s of r.servers)
    L.push(
      `| ${s.label} | ${fmt(s.startup.initializedMs)} | ${fmt(s.startup.firstCallMs)} (\`${s.startup.firstCallTool}\`) | ${fmt(s.startup.readyMs)} | ${fmt(s.memory.idleMib)} | ${fmt(s.memory.afterLoadMib)} | ${fmt(s.memory.peakMib)} | ${s.memory.liveHeapAfterLoadMib === undefined ? '—' : `${fmt(s.memory.liveHeapAfterLoadMib)} (${fmt(s.memory.afterLoadAfterGcMib)})`} |`,
    );
  const compiled = ours?.compiled;
  const repeatRow = (label: string, rep: StartupRepeats | undefined) => {
    if (!rep || rep.readyMs.n === 0) return;
    L.push(
      `| ${label}, p50 of ${rep.readyMs.n} more starts (min–max) | — | ${fmt(rep.firstCallMs.p50)} (${fmt(rep.firstCallMs.min)}–${fmt(rep.firstCallMs.max)}) | ${fmt(rep.readyMs.p50)} (${fmt(rep.readyMs.min)}–${fmt(rep.readyMs.max)}) | — | — | — | — |`,
    );
  };
  repeatRow('cluster-mcp', ours?.startupRepeats);
  if (compiled)
    L.push(
      `| cluster-mcp compiled (\`node dist/server.js\`, as the image runs it) | — | ${fmt(compiled.firstCallMs)} (\`get_version\`) | ${fmt(compiled.readyMs)} | ${fmt(compiled.idleMib)} | — | — | idle: ${fmt(compiled.liveHeapIdleMib)} (${fmt(compiled.idleAfterGcMib)}) |`,
    );
  repeatRow('cluster-mcp compiled', compiled?.repeats);
  L.push('');
  L.push(
    "Idle = 2 s after the first answered call (for cluster-mcp, 2 s after its pod cache reported synced), before any question. Live heap = V8's heap in use after a full GC forced through the inspector (cluster-mcp only, once the other figures are taken): what the server really keeps, as opposed to what V8 holds on to. RSS is VmRSS of the server process itself from /proc (the Go binary run directly, not its npm launcher; for mcp-server-kubernetes its node process, without the short-lived kubectl children).",
  );
  L.push('');
  L.push(
    'Idle memory and start-up contributors — RSS of a fresh Node process 1 s after importing the modules, and the time the imports took (TypeScript sources are type-stripped as they load):',
  );
  L.push('');
  L.push('| loaded | RSS MiB | import ms |');
  L.push('|---|---|---|');
  for (const c of r.importCost) L.push(`| ${esc(c.what)} | ${fmt(c.rssMib)} | ${fmt(c.importMs)} |`);
  L.push('');
  if (ours && r.variants.length) {
    L.push('## Design trade-off: the watch-backed pod cache');
    L.push('');
    L.push(
      'The same server with and without its pod cache (KUBE_POD_CACHE), same cluster, same client: what the cache buys in latency and costs in memory and start-up.',
    );
    L.push('');
    L.push(
      '| configuration | /readyz 200 ms | cache synced ms | idle RSS MiB | RSS after the questions MiB | live heap after the questions MiB | peak RSS MiB | all pods p50 ms | problem pods p50 ms | pods of one namespace p50 ms | nodes p50 ms |',
    );
    L.push('|---|---|---|---|---|---|---|---|---|---|---|');
    for (const s of [ours, ...r.variants.filter((v) => v.id === 'ours')]) {
      const p50 = (id: string) => fmt(question(s, id)?.latencyMs?.p50);
      L.push(
        `| ${esc(s.config)} | ${fmt(s.startup.readyMs)} | ${fmt(s.podCache?.syncedMs)} | ${fmt(s.memory.idleMib)} | ${fmt(s.memory.afterLoadMib)} | ${fmt(s.memory.liveHeapAfterLoadMib)} | ${fmt(s.memory.peakMib)} | ${p50('all_pods')} | ${p50('problem_pods')} | ${p50('ns_pods')} | ${p50('nodes')} |`,
      );
    }
    if (ours.podCache?.listMs !== undefined)
      L.push(
        `\nThe cache's initial list of ${fmt(ours.podCache.pods)} pods took ${fmt(ours.podCache.listMs)} ms (paged); until it has synced the tools read from the API server, and /readyz does not wait for it.`,
      );
    L.push('');
  }
  L.push('## Throughput and memory under load');
  L.push('');
  L.push(
    `Raw JSON-RPC \`tools/call\` POSTs over a keep-alive \`http.Agent\` (${r.method.concurrency} sockets, ${r.method.concurrency} concurrent clients each sending back to back), from the harness process on the same machine — no SDK client in the loop. Each server runs alone.`,
  );
  L.push('');
  L.push(
    '| server | request | tool | calls | ok | calls/s | p50 ms | p95 ms | CPU s: server / kube-apiserver / load generator / other processes |',
  );
  L.push('|---|---|---|---|---|---|---|---|---|');
  const tputRows = [
    ...r.throughput.map((t) => ({ label: 'cluster-mcp', t })),
    ...r.servers.filter((s) => s.trivialThroughput).map((s) => ({ label: s.label, t: s.trivialThroughput! })),
  ];
  for (const { label, t } of tputRows)
    L.push(
      `| ${label} | ${esc(t.mode)} | \`${t.tool}\` | ${fmt(t.calls)} | ${fmt(t.ok)} | ${fmt(t.callsPerSecond)} | ${fmt(t.latencyMs.p50)} | ${fmt(t.latencyMs.p95)} | ${t.cpuSeconds ? `${t.cpuSeconds.server} / ${t.cpuSeconds.apiserver ?? '—'} / ${t.cpuSeconds.harness} / ${t.cpuSeconds.other ?? '—'}` : '—'} |`,
    );
  const failures = tputRows.filter((x) => x.t.firstFailure);
  for (const { label, t } of failures)
    L.push(`\n${label} (${t.mode}): first failure “${esc(t.firstFailure!.slice(0, 200))}”.`);
  if (r.leak) {
    L.push('');
    L.push(
      `Memory of a fresh cluster-mcp process over ${r.leak.calls.toLocaleString('en-US')} \`get_version\` calls (2026-07-28 requests, ${r.method.concurrency} concurrent), sampled after every 10,000 calls (${r.leak.heapIsLive ? 'live heap after a full GC forced through the inspector' : "heap used from the server's /metrics, garbage included"}): **${r.leak.verdict}** — RSS slope over the second half ${r.leak.rssSlopeMibPer10k} MiB per 10k calls${r.leak.heapSlopeMibPer10k !== undefined ? `, heap slope ${r.leak.heapSlopeMibPer10k} MiB per 10k calls` : ''}.`,
    );
    L.push('');
    L.push(`| calls | RSS MiB | ${r.leak.heapIsLive ? 'live heap after GC' : 'heap used'} MiB |`);
    L.push('|---|---|---|');
    for (const m of [r.leak.before, ...r.leak.series, r.leak.afterSettle])
      L.push(
        `| ${m === r.leak.afterSettle ? `${fmt(m.calls)} + 35 s idle` : fmt(m.calls)} | ${fmt(m.rssMib)} | ${fmt(m.heapUsedMib)} |`,
      );
  }
  L.push('');
  L.push('## The floor: the API server alone');
  L.push('');
  L.push(
    'What kube-apiserver takes to answer the list requests behind the questions, asked by the harness directly (admin kubeconfig, keep-alive, body read and JSON-parsed). Every list-per-call design pays at least this on each call.',
  );
  L.push('');
  L.push('| request | n | p50 ms | p95 ms | bytes |');
  L.push('|---|---|---|---|---|');
  for (const f of r.apiFloor)
    L.push(
      `| ${esc(f.what)} | ${f.latencyMs.n} | ${f.latencyMs.p50} | ${f.latencyMs.p95} | ${fmt(f.bytes)} |`,
    );
  L.push('');
  L.push('## Machine, versions, method');
  L.push('');
  L.push(
    `- Machine: ${r.machine.nproc} cores (${esc(r.machine.cpuModel)}), ${fmt(r.machine.memTotalMib)} MiB memory, ${esc(r.machine.os)}, kernel ${esc(r.machine.kernel)}. The servers, kube-apiserver, etcd and the load generator share it.`,
  );
  L.push(
    `- Cluster (the sandbox, \`sandbox/up.sh --pods ${r.cluster.podsRequested}\`): ${fmt(r.cluster.pods)} pods (${fmt(r.cluster.problemPods)} problem pods by the harness's rule) in ${fmt(r.cluster.namespaces)} namespaces, ${fmt(r.cluster.nodes)} nodes, ${fmt(r.cluster.events)} events. "One namespace" = the largest, \`${r.cluster.namespace}\` (${fmt(r.cluster.namespacePods)} pods); events of \`${r.cluster.eventsNamespace}\` (${fmt(r.cluster.namespaceEvents)} events).`,
  );
  L.push(
    `- Versions: ${Object.entries(r.versions)
      .map(([k, v]) => `${k} ${v}`)
      .join('; ')}.`,
  );
  L.push(
    `- Load average (1 min) as each phase started: ${r.loadavg.map((l) => `${l.phase} ${l.avg1}`).join(', ')}.`,
  );
  L.push(`- Kubeconfig: ${r.method.kubeconfig}`);
  L.push(`- Latency client: ${r.method.client}`);
  if (r.method.oursNodeFlags)
    L.push(
      `- cluster-mcp ran with the node flags of the image's CMD (Dockerfile), from sources and compiled alike: \`${r.method.oursNodeFlags}\`.`,
    );
  if (r.method.oursNodeOptions)
    L.push(`- cluster-mcp ran with NODE_OPTIONS=\`${r.method.oursNodeOptions}\`.`);
  L.push(`- Throughput client: ${r.method.throughputClient}`);
  for (const s of r.servers) L.push(`- ${s.label}: \`${esc(s.command)}\` — ${s.transport}.`);
  L.push(
    '- Problem pods (truth): phase not Running/Succeeded, or a container waiting for a reason other than ContainerCreating/PodInitializing, terminated non-zero, or not ready, or the pod being deleted.',
  );
  L.push(
    '- Percentiles interpolate linearly between closest ranks. Memory is in MiB (/proc reports KiB). No timing assertion runs in `npm test`; this harness only reports.',
  );
  L.push(
    '- Reproduce: `npm run bench` (about 6 minutes; its options are documented at the top of bench/run.ts). `node bench/run.ts --render docs/benchmarks.json` re-renders this page and the chart from the raw figures.',
  );
  if (r.notes.length) {
    L.push('');
    L.push('## Notes from this run');
    L.push('');
    for (const n of r.notes) L.push(`- ${esc(n)}`);
  }
  L.push('');
  return L.join('\n');
}
