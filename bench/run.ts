/**
 * `npm run bench`: cluster-mcp against kubernetes-mcp-server and mcp-server-kubernetes on the same sandbox
 * (10,000 pods), the same kubeconfig and the same client. Writes docs/benchmarks.{md,json,svg}. It only reports:
 * no figure fails the run.
 *
 * Options: --pods N (10000) --calls N (20) --warmups N (2) --budget S (45, seconds of measured calls per question
 * and server before stopping early, at least 5 calls) --throughput-calls N (100000) --concurrency N (16)
 * --servers ours,kms,msk --kubeconfig sa|admin (sa) --skip-sandbox --skip-throughput --out DIR (docs)
 * --render FILE re-renders the Markdown and the chart from a benchmarks.json, without measuring anything.
 * Environment: BENCH_OURS_NODE_OPTIONS is given to cluster-mcp as NODE_OPTIONS (e.g. --max-semi-space-size=8), to
 * measure runtime flags without editing anything.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { type Inspector, inspectorUrl, openInspector } from './lib/inspector.ts';
import { closeTarget, getRaw, largest, readTruth, type Truth, target } from './lib/kube.ts';
import {
  type BenchClient,
  type CallAnswer,
  connect,
  getText,
  legacyRequest,
  load,
  metricValue,
  modernRequest,
  openSession,
} from './lib/mcp.ts';
import {
  commandOutput,
  freePort,
  memoryOf,
  pollUntil,
  type Running,
  startProcess,
  stopProcess,
} from './lib/proc.ts';
import { buildChart, evaluateTargets, renderMarkdown } from './lib/report.ts';
import {
  type Call,
  kmsBinary,
  packageVersion,
  QUESTIONS,
  type Question,
  SERVERS,
  type ServerSpec,
} from './lib/servers.ts';
import {
  countListItems,
  kibToMib,
  type ListedTool,
  nameCoverage,
  saysCut,
  slope,
  statedTotal,
  summarize,
  toolListSizes,
  utf8Bytes,
} from './lib/stats.ts';
import { renderChart } from './lib/svg.ts';
import type {
  MemorySample,
  QuestionResult,
  Results,
  ServerResult,
  StartupRepeats,
  ThroughputResult,
} from './lib/types.ts';

const ROOT = join(import.meta.dirname, '..');
const LOGS = join(ROOT, 'bench', 'results', 'tmp');

const { values: opt } = parseArgs({
  options: {
    pods: { type: 'string', default: '10000' },
    calls: { type: 'string', default: '20' },
    warmups: { type: 'string', default: '2' },
    budget: { type: 'string', default: '45' },
    'throughput-calls': { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '16' },
    servers: { type: 'string', default: 'ours,kms,msk' },
    kubeconfig: { type: 'string', default: 'sa' },
    'skip-sandbox': { type: 'boolean', default: false },
    'skip-throughput': { type: 'boolean', default: false },
    out: { type: 'string', default: 'docs' },
    render: { type: 'string' },
  },
});
const PODS = Number(opt.pods);
const CALLS = Number(opt.calls);
const WARMUPS = Number(opt.warmups);
const BUDGET_S = Number(opt.budget);
const TPUT_CALLS = Number(opt['throughput-calls']);
const CONCURRENCY = Number(opt.concurrency);
const MIN_CALLS = 5;
/** Extra start-ups of cluster-mcp (from sources and compiled) for the start-up figures. */
const STARTS = 5;

/**
 * The node flags the image runs cluster-mcp with (the Dockerfile's CMD before `dist/server.js`), so every run of
 * ours has the runtime settings of a deployment; from sources, TypeScript is type-stripped at load instead of
 * compiled, and the compiled run shows what that costs.
 */
function imageNodeFlags(): string[] {
  const file = join(ROOT, 'Dockerfile');
  if (!existsSync(file)) return [];
  const m = /^CMD\s+(\[.*\])\s*$/m.exec(readFileSync(file, 'utf8'));
  if (!m) return [];
  try {
    const cmd = JSON.parse(m[1]!) as string[];
    const end = cmd.findIndex((a) => a.endsWith('server.js'));
    return cmd.slice(0, Math.max(0, end)).filter((a) => a.startsWith('--'));
  } catch {
    return [];
  }
}
const IMAGE_NODE_FLAGS = imageNodeFlags();
const CALL_TIMEOUT_MS = 120_000;

const began = performance.now();
const say = (msg: string) =>
  process.stderr.write(`[bench ${((performance.now() - began) / 1000).toFixed(0).padStart(4)} s] ${msg}\n`);
const notes: string[] = [];
const loadavg: Results['loadavg'] = [];
/** Records the machine's load average as a phase starts: other work on the machine skews every figure. */
function phase(name: string): void {
  const [one, five] = os.loadavg();
  loadavg.push({ phase: name, avg1: Math.round(one! * 100) / 100, avg5: Math.round(five! * 100) / 100 });
}
const running = new Set<Running>();
process.on('exit', () => {
  for (const p of running) p.child.kill('SIGKILL');
});
for (const sig of ['SIGINT', 'SIGTERM'] as const)
  process.on(sig, () => {
    say(`${sig}: stopping the servers`);
    process.exit(130);
  });

function sandboxEnv(): Record<string, string> {
  const file = join(ROOT, '.sandbox', 'env');
  if (!existsSync(file))
    throw new Error(`${file} is missing: the sandbox is not up (run without --skip-sandbox)`);
  const env: Record<string, string> = {};
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^(?:export\s+)?([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (m) env[m[1]!] = m[2]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

function machine(): Results['machine'] {
  const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
  const meminfo = readFileSync('/proc/meminfo', 'utf8');
  const osRelease = existsSync('/etc/os-release') ? readFileSync('/etc/os-release', 'utf8') : '';
  return {
    nproc: os.availableParallelism(),
    memTotalMib: kibToMib(Number(/^MemTotal:\s+(\d+)/m.exec(meminfo)?.[1] ?? 0)),
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1]?.trim() ?? 'unknown',
    kernel: os.release(),
    os: /^PRETTY_NAME="?([^"\n]*)"?/m.exec(osRelease)?.[1] ?? os.type(),
  };
}

/** CPU seconds (user + system) a process has used, from /proc/<pid>/stat. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (CLK_TCK = 100 on Linux)
  } catch {
    return undefined;
  }
}

function apiserverPid(): number | undefined {
  const file = join(ROOT, '.sandbox', 'pids', 'kube-apiserver.pid');
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  return Number.isInteger(pid) && existsSync(`/proc/${pid}`) ? pid : undefined;
}

/** CPU seconds the whole machine has been busy (all cores, every process), from /proc/stat. */
function machineBusySeconds(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal …: busy = everything but idle and iowait.
  return (f.reduce((a, b) => a + b, 0) - (f[3] ?? 0) - (f[4] ?? 0)) / 100;
}

interface CpuMark {
  s: number;
  a: number;
  h: number;
  m: number;
}

function cpuMark(pid: number, apiPid: number | undefined): CpuMark {
  return { s: cpuSeconds(pid) ?? 0, a: cpuSeconds(apiPid) ?? 0, h: harnessCpu(), m: machineBusySeconds() };
}

/** CPU used between two marks: the server, kube-apiserver, the harness, and everything else on the machine. */
function cpuSince(m0: CpuMark, m1: CpuMark, hasApi: boolean): NonNullable<ThroughputResult['cpuSeconds']> {
  const r1 = (v: number) => Math.round(v * 10) / 10;
  const server = m1.s - m0.s;
  const apiserver = m1.a - m0.a;
  const harness = m1.h - m0.h;
  return {
    server: r1(server),
    apiserver: hasApi ? r1(apiserver) : undefined,
    harness: r1(harness),
    other: r1(Math.max(0, m1.m - m0.m - server - apiserver - harness)),
  };
}

function harnessCpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

/** The kubectl for mcp-server-kubernetes: built to match the API server by bench/kubectl.sh, else PATH's. */
function kubectlPath(): string {
  const r = spawnSync('bash', [join(ROOT, 'bench', 'kubectl.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const path = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status === 0 && existsSync(path)) return path;
  notes.push('bench/kubectl.sh could not build kubectl; mcp-server-kubernetes used the kubectl on PATH.');
  return 'kubectl';
}

/** RSS of a fresh Node process that imported one module (and waited 1 s): what each dependency costs idle. */
function importCost(): Results['importCost'] {
  const cases: [string, string][] = [
    ['bare node', ''],
    ['zod', 'zod'],
    ['pino', 'pino'],
    ['prom-client', 'prom-client'],
    ['undici', 'undici'],
    ['fastify', 'fastify'],
    ['@modelcontextprotocol/server', '@modelcontextprotocol/server'],
    ['@kubernetes/client-node', '@kubernetes/client-node'],
    [
      'our stack without client-node (fastify, SDK server + node, pino, prom-client, zod, undici, yaml)',
      'fastify,@modelcontextprotocol/server,@modelcontextprotocol/node,pino,prom-client,zod,undici,yaml',
    ],
    [
      'the same with @kubernetes/client-node',
      'fastify,@modelcontextprotocol/server,@modelcontextprotocol/node,pino,prom-client,zod,undici,yaml,@kubernetes/client-node',
    ],
    ['src/app.ts with every tool (our modules, not listening)', `file://${join(ROOT, 'src', 'app.ts')}`],
  ];
  return cases.map(([what, mods]) => {
    const imports = mods
      .split(',')
      .filter(Boolean)
      .map((m) => `await import(${JSON.stringify(m)});`)
      .join('');
    const code = `const t0=performance.now();${imports}const ms=performance.now()-t0;await new Promise((r) => setTimeout(r, 1000));process.stdout.write(JSON.stringify({rss:process.memoryUsage().rss,ms}));`;
    const out = commandOutput(process.execPath, ['--input-type=module', '-e', code], {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
    });
    const m = out ? (JSON.parse(out) as { rss: number; ms: number }) : undefined;
    return {
      what,
      rssMib: m ? Math.round((m.rss / 1048576) * 10) / 10 : Number.NaN,
      importMs: m ? Math.round(m.ms) : Number.NaN,
    };
  });
}

/** How long the API server itself takes for the lists behind the questions (the floor of list-per-call). */
async function apiFloor(kubeconfig: string, ns: string, eventsNs: string): Promise<Results['apiFloor']> {
  const t = target(kubeconfig);
  const cases: [string, string, string, number][] = [
    ['full list of all pods (JSON)', '/api/v1/pods', 'application/json', 5],
    [
      'full list of all pods, resourceVersion=0 (watch cache)',
      '/api/v1/pods?resourceVersion=0',
      'application/json',
      5,
    ],
    [
      'full list of all pods as a server-side Table',
      '/api/v1/pods',
      'application/json;as=Table;v=v1;g=meta.k8s.io',
      5,
    ],
    ['first page of pods (limit=500)', '/api/v1/pods?limit=500', 'application/json', 10],
    [`pods of namespace ${ns}`, `/api/v1/namespaces/${ns}/pods`, 'application/json', 10],
    [`events of namespace ${eventsNs}`, `/api/v1/namespaces/${eventsNs}/events`, 'application/json', 10],
    ['nodes', '/api/v1/nodes', 'application/json', 10],
  ];
  const out: Results['apiFloor'] = [];
  try {
    for (const [what, path, accept, n] of cases) {
      await getRaw(t, path, accept); // warm-up
      const lat: number[] = [];
      let bytes = 0;
      for (let i = 0; i < n; i++) {
        const t0 = performance.now();
        const body = await getRaw(t, path, accept);
        JSON.parse(body);
        lat.push(performance.now() - t0);
        bytes = utf8Bytes(body);
      }
      out.push({ what, latencyMs: summarize(lat), bytes });
    }
  } finally {
    closeTarget(t);
  }
  return out;
}

interface Expected {
  names?: string[];
  count: number;
}

function expected(q: Question['id'], truth: Truth, ns: string, eventsNs: string): Expected {
  switch (q) {
    case 'all_pods':
      return { names: truth.pods.map((p) => p.name), count: truth.pods.length };
    case 'problem_pods':
      return { names: truth.problemPods.map((p) => p.name), count: truth.problemPods.length };
    case 'ns_pods': {
      const names = truth.pods.filter((p) => p.namespace === ns).map((p) => p.name);
      return { names, count: names.length };
    }
    case 'nodes':
      return { names: truth.nodes, count: truth.nodes.length };
    case 'ns_events':
      return {
        names: truth.eventObjectsByNamespace[eventsNs] ?? [],
        count: truth.eventsByNamespace[eventsNs] ?? 0,
      };
  }
}

/** Checks one answer against the truth: items, names found, complete, said cut, stated total. */
function judge(a: CallAnswer, exp: Expected): Partial<QuestionResult> {
  const items = a.isError ? 0 : countListItems(a.structured ? JSON.stringify(a.structured) : a.text);
  const distinct = exp.names ? new Set(exp.names).size : undefined;
  const namesFound = exp.names && !a.isError ? nameCoverage(a.text, exp.names) : exp.names ? 0 : undefined;
  const complete = a.isError ? false : distinct !== undefined ? namesFound === distinct : items >= exp.count;
  return {
    isError: a.isError,
    textBytes: utf8Bytes(a.text),
    wireBytes: utf8Bytes(a.wire),
    items,
    truth: exp.count,
    truthNames: distinct,
    namesFound,
    complete,
    saidCut: saysCut(a.text, a.structured),
    statedTotal: statedTotal(a.text, a.structured),
    excerpt: a.text.slice(0, 300),
  };
}

async function ask(
  client: BenchClient,
  spec: ServerSpec,
  q: Question,
  ctx: { namespace: string; eventsNamespace: string; tools: ListedTool[] },
  truth: Truth,
): Promise<QuestionResult> {
  const call = spec.question(q.id, ctx);
  if ('missing' in call) return { id: q.id, label: q.label, status: 'tool missing', missing: call.missing };
  if (!ctx.tools.some((t) => t.name === call.tool))
    return {
      id: q.id,
      label: q.label,
      status: 'tool missing',
      missing: call.tool,
      tool: call.tool,
      args: call.args,
    };
  let last: CallAnswer | undefined;
  for (let i = 0; i < WARMUPS; i++) last = await client.call(call.tool, call.args, CALL_TIMEOUT_MS);
  const lat: number[] = [];
  const started = performance.now();
  for (let i = 0; i < CALLS; i++) {
    const t0 = performance.now();
    last = await client.call(call.tool, call.args, CALL_TIMEOUT_MS);
    lat.push(performance.now() - t0);
    if (i + 1 >= MIN_CALLS && performance.now() - started > BUDGET_S * 1000) break;
  }
  const exp = expected(q.id, truth, ctx.namespace, ctx.eventsNamespace);
  const verdict = judge(last!, exp);
  say(
    `  ${spec.id} ${q.id}: p50 ${summarize(lat).p50} ms, ${verdict.textBytes} B, ${verdict.isError ? 'ERROR' : verdict.namesFound !== undefined ? `names ${verdict.namesFound}/${verdict.truthNames}` : `${verdict.items}/${exp.count}`}`,
  );
  return {
    id: q.id,
    label: q.label,
    status: verdict.isError ? 'error' : 'ok',
    tool: call.tool,
    args: call.args,
    note: call.note,
    latencyMs: summarize(lat),
    warmups: WARMUPS,
    ...verdict,
  };
}

async function heapMib(port: number): Promise<number | undefined> {
  try {
    const m = await getText(`http://127.0.0.1:${port}/metrics`);
    const v = metricValue(m.body, 'nodejs_heap_size_used_bytes');
    return v === undefined ? undefined : Math.round((v / 1048576) * 10) / 10;
  } catch {
    return undefined;
  }
}

function serverEnv(
  spec: ServerSpec,
  env: NodeJS.ProcessEnv,
  sandbox: Record<string, string>,
  kubectl: string,
) {
  const base: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, LANG: 'C.UTF-8' };
  if (spec.id === 'ours')
    for (const k of ['PROMETHEUS_URL', 'ALERTMANAGER_URL', 'LOKI_URL', 'NTFY_URL', 'NTFY_TOKEN'])
      if (sandbox[k]) base[k] = sandbox[k];
  if (spec.id === 'ours' && process.env.BENCH_OURS_NODE_OPTIONS)
    base.NODE_OPTIONS = process.env.BENCH_OURS_NODE_OPTIONS;
  if (spec.id === 'msk' && kubectl !== 'kubectl') base.PATH = `${dirname(kubectl)}:${process.env.PATH}`;
  return { ...base, ...env };
}

async function startAndMeasure(
  spec: ServerSpec,
  kubeconfig: string,
  sandbox: Record<string, string>,
  kubectl: string,
  tag: string,
  nodeArgs: string[] = [],
): Promise<{
  proc: Running;
  port: number;
  client?: BenchClient;
  startup: ServerResult['startup'];
  cmd: string;
}> {
  const port = await freePort();
  const { command, args: specArgs, env } = spec.command(port, kubeconfig);
  const flags = spec.id === 'ours' ? [...IMAGE_NODE_FLAGS, ...nodeArgs] : nodeArgs;
  const args = command === process.execPath ? [...flags, ...specArgs] : specArgs;
  const cmd = [command === process.execPath ? 'node' : command.replace(`${ROOT}/`, ''), ...args]
    .map((a) => a.replace(`${ROOT}/`, ''))
    .join(' ');
  const proc = startProcess(
    spec.id,
    command,
    args,
    serverEnv(spec, env, sandbox, kubectl),
    join(LOGS, `${spec.id}-${tag}.log`),
    ROOT,
  );
  running.add(proc);
  const base = `http://127.0.0.1:${port}`;
  const ready =
    spec.id === 'ours'
      ? pollUntil(
          async () =>
            (await getText(`${base}/readyz`, 1000)).status === 200 ? performance.now() : undefined,
          30_000,
          5,
        )
      : Promise.resolve(undefined);
  let initializedAt: number | undefined;
  let lastError = '';
  const first = await pollUntil(
    async () => {
      if (proc.child.exitCode !== null) return { exited: true as const };
      const c = await connect(`${base}/mcp`);
      initializedAt ??= performance.now();
      const a = await c.call(spec.firstCall.tool, spec.firstCall.args, 30_000);
      if (a.isError) {
        lastError = a.text.slice(0, 300);
        await c.close();
        return undefined;
      }
      return { client: c, at: performance.now() };
    },
    60_000,
    10,
  );
  const readyAt = await ready;
  const ms = (t: number | undefined) => (t === undefined ? undefined : Math.round(t - proc.startedAt));
  const startup: ServerResult['startup'] = {
    readyMs: ms(readyAt),
    initializedMs: ms(initializedAt),
    firstCallTool: spec.firstCall.tool,
  };
  if (!first || 'exited' in first) {
    startup.error = first
      ? `exited with code ${proc.child.exitCode}; see ${proc.logFile}`
      : `no answer in 60 s: ${lastError}`;
    return { proc, port, startup, cmd };
  }
  startup.firstCallMs = ms(first.at);
  return { proc, port, client: first.client, startup, cmd };
}

async function trivialThroughput(
  spec: ServerSpec,
  port: number,
  pid: number,
  call: Call,
): Promise<ThroughputResult> {
  const sid = spec.id === 'kms' ? await openSession('127.0.0.1', port) : undefined;
  const t = legacyRequest('127.0.0.1', port, call.tool, call.args, sid);
  await load(t, { calls: 200, concurrency: CONCURRENCY, maxSeconds: 10, timeoutMs: 5_000 });
  const apiPid = apiserverPid();
  const m0 = cpuMark(pid, apiPid);
  const r = await load(t, { calls: 5_000, concurrency: CONCURRENCY, maxSeconds: 20, timeoutMs: 5_000 });
  return throughputResult(
    '2025-11-25 (after initialize)',
    call.tool,
    r,
    cpuSince(m0, cpuMark(pid, apiPid), !!apiPid),
  );
}

function throughputResult(
  mode: string,
  tool: string,
  r: Awaited<ReturnType<typeof load>>,
  cpuSeconds: ThroughputResult['cpuSeconds'],
): ThroughputResult {
  return {
    mode,
    tool,
    concurrency: CONCURRENCY,
    calls: r.calls,
    ok: r.ok,
    failed: r.failed,
    firstFailure: r.firstFailure,
    seconds: r.seconds,
    callsPerSecond: r.callsPerSecond,
    latencyMs: summarize(Array.from(r.latencies)),
    cpuSeconds,
  };
}

async function runServer(
  spec: ServerSpec,
  kubeconfig: string,
  sandbox: Record<string, string>,
  kubectl: string,
  truth: Truth,
  ns: string,
  eventsNs: string,
  questions: readonly Question[] = QUESTIONS,
  tag = 'main',
): Promise<ServerResult> {
  say(`${spec.label}: starting`);
  phase(spec.label);
  const version =
    spec.id === 'ours'
      ? (() => {
          const b = JSON.parse(readFileSync(join(ROOT, 'src', 'build-info.json'), 'utf8')) as {
            version: string;
            gitSha: string;
          };
          return `${b.version} (${b.gitSha.slice(0, 12)})`;
        })()
      : packageVersion(spec.packageName);
  const result: ServerResult = {
    id: spec.id,
    label: spec.label,
    version,
    transport: spec.transport,
    config: spec.config,
    command: '',
    startup: { firstCallTool: spec.firstCall.tool },
    memory: {},
    questions: [],
  };
  // Ours gets the inspector on loopback (idle until the harness connects) to read its live heap after a full GC.
  const s = await startAndMeasure(
    spec,
    kubeconfig,
    sandbox,
    kubectl,
    tag,
    spec.id === 'ours' ? ['--inspect=127.0.0.1:0'] : [],
  );
  result.command = s.cmd.replace(' --inspect=127.0.0.1:0', '');
  let inspector: Inspector | undefined;
  result.startup = s.startup;
  try {
    if (!s.client) {
      result.error = s.startup.error;
      say(`${spec.label}: did not start: ${s.startup.error}`);
      return result;
    }
    say(
      `${spec.label}: first answered call after ${s.startup.firstCallMs} ms${s.startup.readyMs ? `, ready after ${s.startup.readyMs} ms` : ''}`,
    );
    if (spec.id === 'ours') {
      // A pod cache, when the server has one, syncs in the background; idle memory and the questions are taken
      // once it has, as a running replica sits.
      const cache = await waitForPodCache(s.port, s.proc.startedAt);
      if (cache) result.podCache = cache;
    }
    await sleep(2_000);
    result.memory.idleMib = kibToMib(memoryOf(s.proc.pid).rssKib);
    if (spec.id === 'ours') result.memory.heapUsedIdleMib = await heapMib(s.port);
    const list = await s.client.listTools();
    result.toolList = toolListSizes(list);
    const ctx = { namespace: ns, eventsNamespace: eventsNs, tools: list.tools };
    for (const q of questions) {
      try {
        result.questions.push(await ask(s.client, spec, q, ctx, truth));
      } catch (err) {
        result.questions.push({ id: q.id, label: q.label, status: 'error', excerpt: (err as Error).message });
      }
    }
    const mem = memoryOf(s.proc.pid);
    result.memory.afterLoadMib = kibToMib(mem.rssKib);
    result.memory.peakMib = kibToMib(mem.hwmKib);
    if (spec.id === 'ours') result.memory.heapUsedAfterLoadMib = await heapMib(s.port);
    if (spec.id === 'ours') {
      // Only now (a forced GC before the questions would flatter the RSS after them): what stays live.
      const url = inspectorUrl(s.proc.logFile);
      inspector = url ? await openInspector(url).catch(() => undefined) : undefined;
      if (inspector) {
        result.memory.liveHeapAfterLoadMib = await inspector.liveHeapMib();
        result.memory.afterLoadAfterGcMib = kibToMib(memoryOf(s.proc.pid).rssKib);
      }
    }
    if (spec.id !== 'ours' && spec.trivialCall && !opt['skip-throughput']) {
      say(`${spec.label}: trivial-call throughput (${spec.trivialCall.tool})`);
      result.trivialThroughput = await trivialThroughput(spec, s.port, s.proc.pid, spec.trivialCall);
    }
    await s.client.close().catch(() => undefined);
  } finally {
    inspector?.close();
    await stopProcess(s.proc);
    running.delete(s.proc);
  }
  return result;
}

interface PodCacheReport {
  state: string;
  pods?: number;
  listMs?: number;
}

/**
 * Waits (60 s at most) until /readyz reports the pod cache synced; undefined when the server has no cache.
 * Returns the state reached and the time from process start.
 */
async function waitForPodCache(port: number, startedAt: number): Promise<ServerResult['podCache']> {
  const read = async (): Promise<PodCacheReport | undefined> => {
    const r = await getText(`http://127.0.0.1:${port}/readyz`, 5_000);
    return (JSON.parse(r.body) as { podCache?: PodCacheReport }).podCache;
  };
  const first = await read().catch(() => undefined);
  if (!first) return undefined;
  let last = first;
  const synced = await pollUntil(
    async () => {
      last = (await read()) ?? last;
      return last.state === 'synced' || last.state === 'disabled' ? performance.now() : undefined;
    },
    60_000,
    20,
  );
  return {
    state: last.state,
    pods: last.pods,
    listMs: last.listMs,
    syncedMs: synced === undefined ? undefined : Math.round(synced - startedAt),
  };
}

/** Start-up repeated `n` times (start, /readyz 200 and a first answered call, stop): one start is noisy. */
async function startupRepeats(
  spec: ServerSpec,
  kubeconfig: string,
  sandbox: Record<string, string>,
  n: number,
  tag: string,
): Promise<StartupRepeats> {
  const ready: number[] = [];
  const first: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = await startAndMeasure(spec, kubeconfig, sandbox, 'kubectl', `${tag}-${i}`);
    try {
      if (s.startup.readyMs !== undefined) ready.push(s.startup.readyMs);
      if (s.startup.firstCallMs !== undefined) first.push(s.startup.firstCallMs);
      await s.client?.close().catch(() => undefined);
    } finally {
      await stopProcess(s.proc);
      running.delete(s.proc);
    }
  }
  return { readyMs: summarize(ready), firstCallMs: summarize(first) };
}

/**
 * cluster-mcp as the image runs it (`node dist/server.js`, compiled by tsc, no type stripping at load): start-up
 * and idle memory only. Compiled into bench/results/tmp/dist so the working tree's dist/ is left alone.
 */
async function compiledStartup(
  kubeconfig: string,
  sandbox: Record<string, string>,
): Promise<ServerResult['compiled']> {
  const outDir = join(LOGS, 'dist');
  const tsc = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
      '-p',
      'tsconfig.build.json',
      '--outDir',
      outDir,
      '--sourceMap',
      'false',
    ],
    { cwd: ROOT, encoding: 'utf8' },
  );
  if (!existsSync(join(outDir, 'server.js')))
    return { error: `tsc emitted no server.js: ${(tsc.stdout + tsc.stderr).slice(0, 300)}` };
  writeFileSync(join(outDir, 'build-info.json'), readFileSync(join(ROOT, 'src', 'build-info.json')));
  const base = SERVERS.find((x) => x.id === 'ours')!;
  const spec: ServerSpec = {
    ...base,
    command: (port, kc) => {
      const c = base.command(port, kc);
      return { ...c, args: [join(outDir, 'server.js'), ...c.args.slice(1)] };
    },
  };
  phase('cluster-mcp compiled');
  // No --inspect here: the inspector's own agent and buffers would count in the idle figure, and this run is
  // the one that speaks for the image. Live heap comes from the server's own /metrics instead.
  const s = await startAndMeasure(spec, kubeconfig, sandbox, 'kubectl', 'compiled', []);
  try {
    if (!s.client) return { error: s.startup.error };
    await s.client.close();
    const cache = await waitForPodCache(s.port, s.proc.startedAt);
    await sleep(2_000);
    const idleMib = kibToMib(memoryOf(s.proc.pid).rssKib);
    const result: NonNullable<ServerResult['compiled']> = {
      readyMs: s.startup.readyMs,
      firstCallMs: s.startup.firstCallMs,
      cacheSyncedMs: cache?.syncedMs,
      idleMib,
      liveHeapIdleMib: await heapUsedFromMetrics(s.port),
      idleAfterGcMib: undefined,
    };
    await stopProcess(s.proc);
    running.delete(s.proc);
    result.repeats = await startupRepeats(spec, kubeconfig, sandbox, STARTS, 'compiled-start');
    return result;
  } finally {
    await stopProcess(s.proc);
    running.delete(s.proc);
  }
}

/** `nodejs_heap_size_used_bytes` from the server's /metrics, in MiB (the heap in use, not after a GC). */
async function heapUsedFromMetrics(port: number): Promise<number | undefined> {
  try {
    const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const m = /^nodejs_heap_size_used_bytes (\S+)$/m.exec(text);
    return m ? Math.round((Number(m[1]) / 1048576) * 10) / 10 : undefined;
  } catch {
    return undefined;
  }
}

/** mcp-server-kubernetes's other configuration (non-destructive), tools/list only, over stdio. */
async function mskNonDestructiveList(kubeconfig: string, kubectl: string) {
  const client = new Client({ name: 'cluster-mcp-bench', version: '1.0.0' });
  await client.connect(
    new StdioClientTransport({
      command: process.execPath,
      args: [join(ROOT, 'node_modules', 'mcp-server-kubernetes', 'dist', 'index.js')],
      env: {
        PATH: kubectl === 'kubectl' ? (process.env.PATH ?? '') : `${dirname(kubectl)}:${process.env.PATH}`,
        HOME: process.env.HOME ?? '',
        KUBECONFIG: kubeconfig,
        ALLOW_ONLY_NON_DESTRUCTIVE_TOOLS: 'true',
      },
      stderr: 'ignore',
    }),
  );
  try {
    const r = await client.listTools();
    return toolListSizes({ tools: r.tools as ListedTool[] });
  } finally {
    await client.close();
  }
}

/**
 * A fresh cluster-mcp (with the inspector on loopback, so the harness can force a full GC): trivial-call
 * throughput in both protocol eras, and memory over `TPUT_CALLS` calls in rounds of 10,000. After each round the
 * harness samples RSS and the live heap after a forced GC; the rounds' load time alone makes the calls/s.
 */
async function oursThroughput(
  kubeconfig: string,
  sandbox: Record<string, string>,
): Promise<{ throughput: ThroughputResult[]; leak: Results['leak'] }> {
  const spec = SERVERS.find((s) => s.id === 'ours')!;
  const s = await startAndMeasure(spec, kubeconfig, sandbox, 'kubectl', 'throughput', [
    '--inspect=127.0.0.1:0',
  ]);
  let inspector: Inspector | undefined;
  try {
    if (!s.client) throw new Error(`cluster-mcp did not start for the throughput run: ${s.startup.error}`);
    await s.client.close();
    const url = inspectorUrl(s.proc.logFile);
    if (url) inspector = await openInspector(url);
    else notes.push('The inspector URL of the throughput server was not found: live heap not measured.');
    const pid = s.proc.pid;
    const sample = async (calls: number): Promise<MemorySample> => ({
      calls,
      rssMib: kibToMib(memoryOf(pid).rssKib),
      heapUsedMib: inspector ? await inspector.liveHeapMib() : await heapMib(s.port),
    });
    const modern = modernRequest('127.0.0.1', s.port, 'get_version');
    await load(modern, { calls: 2_000, concurrency: CONCURRENCY, maxSeconds: 30 });
    const before = await sample(0);
    say(
      `cluster-mcp: ${TPUT_CALLS.toLocaleString('en-US')} get_version calls, 2026-07-28, ${CONCURRENCY} concurrent`,
    );
    const round = 10_000;
    const series: MemorySample[] = [];
    const latencies: number[] = [];
    let calls = 0;
    let ok = 0;
    let seconds = 0;
    let firstFailure: string | undefined;
    const cpu = { server: 0, apiserver: 0, harness: 0, other: 0 };
    const apiPid = apiserverPid();
    while (calls < TPUT_CALLS) {
      const m0 = cpuMark(pid, apiPid);
      const r = await load(modern, {
        calls: Math.min(round, TPUT_CALLS - calls),
        concurrency: CONCURRENCY,
        maxSeconds: 120,
      });
      const used = cpuSince(m0, cpuMark(pid, apiPid), true);
      cpu.server += used.server;
      cpu.apiserver += used.apiserver ?? 0;
      cpu.harness += used.harness;
      cpu.other += used.other ?? 0;
      calls += r.calls;
      ok += r.ok;
      seconds += r.seconds;
      firstFailure ??= r.firstFailure;
      for (const l of r.latencies) latencies.push(l);
      series.push(await sample(calls));
      if (r.calls === 0) break;
    }
    const r1 = (v: number) => Math.round(v * 10) / 10;
    const modernResult: ThroughputResult = {
      mode: '2026-07-28 (stateless, no initialize)',
      tool: 'get_version',
      concurrency: CONCURRENCY,
      calls,
      ok,
      failed: calls - ok,
      firstFailure,
      seconds: Math.round(seconds * 100) / 100,
      callsPerSecond: Math.round(calls / seconds),
      latencyMs: summarize(latencies),
      cpuSeconds: {
        server: r1(cpu.server),
        apiserver: apiPid ? r1(cpu.apiserver) : undefined,
        harness: r1(cpu.harness),
        other: r1(cpu.other),
      },
    };
    say(
      `cluster-mcp: ${modernResult.callsPerSecond} calls/s, p50 ${modernResult.latencyMs.p50} ms, ${modernResult.failed} failed`,
    );
    const after = series.at(-1) ?? before;
    // The per-call deadline timers (30 s by default) hold what their callbacks reference until they fire: wait
    // them out before the last sample, so what stays is what the server keeps for good.
    await sleep(35_000);
    const afterSettle = await sample(calls);
    const half = series.filter((p) => p.calls >= calls / 2);
    const perTenK = (pick: (m: MemorySample) => number | undefined) => {
      const pts = half.flatMap((p) => (pick(p) === undefined ? [] : [{ x: p.calls / 10_000, y: pick(p)! }]));
      return pts.length >= 2 ? Math.round(slope(pts) * 100) / 100 : undefined;
    };
    const rssSlope = perTenK((m) => m.rssMib) ?? 0;
    const heapSlope = perTenK((m) => m.heapUsedMib);
    const legacyTarget = legacyRequest('127.0.0.1', s.port, 'get_version', {});
    const m1 = cpuMark(pid, apiPid);
    const legacyRun = await load(legacyTarget, { calls: 20_000, concurrency: CONCURRENCY, maxSeconds: 60 });
    const legacyResult = throughputResult(
      '2025-11-25 (stateless, no initialize)',
      'get_version',
      legacyRun,
      cpuSince(m1, cpuMark(pid, apiPid), !!apiPid),
    );
    say(`cluster-mcp: 2025-era ${legacyResult.callsPerSecond} calls/s`);
    // Growth is judged on the live heap after a forced GC when there is one (RSS is memory V8 keeps, not uses):
    // more than 1 MiB per 10k calls over the second half is a leak, not noise; without the inspector, RSS at
    // 2 MiB per 10k calls.
    const growing =
      inspector && heapSlope !== undefined
        ? heapSlope > 1 || afterSettle.heapUsedMib! > before.heapUsedMib! + 20
        : rssSlope > 2;
    return {
      throughput: [modernResult, legacyResult],
      leak: {
        calls,
        series,
        before,
        after,
        afterSettle,
        rssSlopeMibPer10k: rssSlope,
        heapSlopeMibPer10k: heapSlope,
        heapIsLive: inspector !== undefined,
        verdict: growing ? 'growing' : 'flat',
      },
    };
  } finally {
    inspector?.close();
    await stopProcess(s.proc);
    running.delete(s.proc);
  }
}

/** Writes docs/benchmarks.{json,svg,md} (or under --out) from one run's figures, targets evaluated afresh. */
function write(outDir: string, results: Results): void {
  results.targets = evaluateTargets(results);
  writeFileSync(join(outDir, 'benchmarks.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, 'benchmarks.svg'), renderChart(buildChart(results)));
  writeFileSync(join(outDir, 'benchmarks.md'), renderMarkdown(results));
  say(`wrote ${opt.out}/benchmarks.{md,json,svg}`);
  for (const tr of results.targets)
    say(
      `  ${tr.met === null ? 'n/a   ' : tr.met ? 'MET   ' : 'MISSED'} ${tr.id}: ${tr.value ?? '—'} ${tr.unit} (limit ${tr.limit})`,
    );
}

async function main(): Promise<void> {
  mkdirSync(LOGS, { recursive: true });
  const outDir = join(ROOT, opt.out!);
  mkdirSync(outDir, { recursive: true });
  if (opt.render) {
    write(outDir, JSON.parse(readFileSync(opt.render, 'utf8')) as Results);
    return;
  }
  if (!opt['skip-sandbox']) {
    say(`sandbox: bash sandbox/up.sh --pods ${PODS}`);
    const up = spawnSync('bash', [join(ROOT, 'sandbox', 'up.sh'), '--pods', String(PODS)], {
      cwd: ROOT,
      stdio: ['ignore', 2, 2],
    });
    // The benchmark needs the API server only; a failing observability backend must not stop it.
    if (up.status !== 0) {
      if (!existsSync(join(ROOT, '.sandbox', 'env')))
        throw new Error(`sandbox/up.sh --pods ${PODS} failed with ${up.status}`);
      notes.push(
        `sandbox/up.sh --pods ${PODS} exited with ${up.status} (see .sandbox/logs); the run went on with the API server it had started.`,
      );
      say('sandbox/up.sh failed; going on with the API server (checked next)');
    }
  }
  const sandbox = sandboxEnv();
  const useAdmin = opt.kubeconfig === 'admin';
  const kubeconfig = useAdmin ? sandbox.KUBECONFIG! : sandbox.SA_KUBECONFIG!;
  say('kubectl for mcp-server-kubernetes');
  const kubectl = kubectlPath();

  const apiPidAtStart = apiserverPid();
  phase('start');
  say('reading the cluster (admin kubeconfig)');
  const t = target(sandbox.KUBECONFIG!);
  const truth = await readTruth(t);
  closeTarget(t);
  const ns = largest(truth.podsByNamespace) ?? 'default';
  const eventsNs = largest(truth.eventsByNamespace) ?? ns;
  say(
    `cluster: ${truth.pods.length} pods (${truth.problemPods.length} problem), ${truth.nodes.length} nodes, ${truth.events} events; namespace ${ns}, events of ${eventsNs}`,
  );
  if (truth.pods.length < PODS * 0.9)
    notes.push(`The cluster had ${truth.pods.length} pods, fewer than the ${PODS} asked for.`);

  say('API server floor');
  const floor = await apiFloor(sandbox.KUBECONFIG!, ns, eventsNs);
  say('import cost of the dependencies');
  const imports = importCost();

  const selected = SERVERS.filter((s) => opt.servers!.split(',').includes(s.id));
  const servers: ServerResult[] = [];
  for (const spec of selected) {
    try {
      servers.push(await runServer(spec, kubeconfig, sandbox, kubectl, truth, ns, eventsNs));
    } catch (err) {
      say(`${spec.label}: ${(err as Error).stack}`);
      notes.push(`${spec.label} failed: ${(err as Error).message}`);
    }
  }
  const oursResult = servers.find((s) => s.id === 'ours');
  const variants: ServerResult[] = [];
  if (oursResult?.podCache) {
    // The same server without its pod cache: what the cache buys in latency and costs in memory and start-up.
    const base = SERVERS.find((x) => x.id === 'ours')!;
    const noCache: ServerSpec = {
      ...base,
      label: 'cluster-mcp, KUBE_POD_CACHE=false',
      config: 'every tool registered, pod cache off',
      command: (port, kc) => {
        const c = base.command(port, kc);
        return { ...c, env: { ...c.env, KUBE_POD_CACHE: 'false' } };
      },
    };
    const subset = QUESTIONS.filter((q) => ['all_pods', 'problem_pods', 'ns_pods', 'nodes'].includes(q.id));
    try {
      variants.push(
        await runServer(noCache, kubeconfig, sandbox, kubectl, truth, ns, eventsNs, subset, 'nocache'),
      );
    } catch (err) {
      notes.push(`cluster-mcp without the pod cache failed: ${(err as Error).message}`);
    }
  }
  if (oursResult) {
    say(`cluster-mcp from sources: ${STARTS} more start-ups`);
    phase('cluster-mcp start-ups');
    oursResult.startupRepeats = await startupRepeats(
      SERVERS.find((x) => x.id === 'ours')!,
      kubeconfig,
      sandbox,
      STARTS,
      'start',
    );
    say('cluster-mcp compiled (dist/server.js): start-up and idle memory');
    try {
      oursResult.compiled = await compiledStartup(kubeconfig, sandbox);
    } catch (err) {
      oursResult.compiled = { error: (err as Error).message };
    }
  }
  const msk = servers.find((s) => s.id === 'msk');
  if (msk) {
    try {
      msk.otherToolLists = [
        {
          config: 'ALLOW_ONLY_NON_DESTRUCTIVE_TOOLS=true (tools/list only)',
          sizes: await mskNonDestructiveList(kubeconfig, kubectl),
        },
      ];
    } catch (err) {
      notes.push(`mcp-server-kubernetes non-destructive tools/list: ${(err as Error).message}`);
    }
  }

  let throughput: ThroughputResult[] = [];
  let leak: Results['leak'];
  if (!opt['skip-throughput'] && selected.some((s) => s.id === 'ours')) {
    try {
      phase('cluster-mcp throughput');
      ({ throughput, leak } = await oursThroughput(kubeconfig, sandbox));
    } catch (err) {
      notes.push(`throughput run failed: ${(err as Error).message}`);
    }
  }

  phase('end');
  if (apiserverPid() !== apiPidAtStart)
    notes.push(
      'kube-apiserver was restarted during the run (its pid changed): figures after the restart met a cold cache.',
    );
  // Later phases inherit the load of the harness's own previous phase; only the first one tells of other work.
  const first = loadavg[0];
  if (first && first.avg1 > os.availableParallelism() * 0.5)
    notes.push(
      `The machine was not idle when the run began (load average ${first.avg1} on ${os.availableParallelism()} cores): other work skews the figures.`,
    );
  const kubectlVersion = commandOutput(kubectl, ['version', '--client', '-o', 'json']);
  let kubectlGit = kubectl;
  try {
    kubectlGit = `${(JSON.parse(kubectlVersion) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion} (${kubectl.replace(os.homedir(), '~')})`;
  } catch {
    // keep the path
  }
  const results: Results = {
    generatedAt: new Date().toISOString(),
    durationSeconds: Math.round((performance.now() - began) / 1000),
    machine: machine(),
    versions: {
      'cluster-mcp': servers.find((s) => s.id === 'ours')?.version ?? packageVersion('cluster-mcp'),
      'kubernetes-mcp-server': `${packageVersion('kubernetes-mcp-server')} (${commandOutput(kmsBinaryOrEmpty(), ['--version']) || 'binary'})`,
      'mcp-server-kubernetes': packageVersion('mcp-server-kubernetes'),
      kubectl: kubectlGit,
      'kube-apiserver': sandbox.KUBE_VERSION ?? 'unknown',
      node: process.version,
      '@modelcontextprotocol/sdk (bench client)': packageVersion('@modelcontextprotocol/sdk'),
      '@modelcontextprotocol/server': packageVersion('@modelcontextprotocol/server'),
      '@kubernetes/client-node': packageVersion('@kubernetes/client-node'),
      fastify: packageVersion('fastify'),
    },
    method: {
      calls: CALLS,
      warmups: WARMUPS,
      budgetSecondsPerQuestion: BUDGET_S,
      client:
        '@modelcontextprotocol/sdk v1 Client + StreamableHTTPClientTransport (protocol 2025-11-25) for all three servers, one connected client per server, calls one at a time.',
      kubeconfig: useAdmin
        ? 'the sandbox admin kubeconfig (KUBECONFIG of .sandbox/env) for all three servers.'
        : "the read-only ServiceAccount of the chart's ClusterRole (SA_KUBECONFIG of .sandbox/env) for all three servers; the harness reads the truth with the admin kubeconfig.",
      throughputClient:
        'raw JSON-RPC POSTs (node:http, keep-alive Agent) from the harness process; cluster-mcp gets 2026-07-28 requests (one POST each, no initialize) and 2025-11-25 requests without initialize; kubernetes-mcp-server one initialized session shared by all clients; mcp-server-kubernetes stateless 2025-11-25 requests.',
      concurrency: CONCURRENCY,
      throughputCalls: TPUT_CALLS,
      oursNodeOptions: process.env.BENCH_OURS_NODE_OPTIONS ?? '',
      oursNodeFlags: IMAGE_NODE_FLAGS.join(' '),
    },
    cluster: {
      podsRequested: PODS,
      pods: truth.pods.length,
      problemPods: truth.problemPods.length,
      namespaces: truth.namespaces,
      nodes: truth.nodes.length,
      events: truth.events,
      namespace: ns,
      namespacePods: truth.podsByNamespace[ns] ?? 0,
      eventsNamespace: eventsNs,
      namespaceEvents: truth.eventsByNamespace[eventsNs] ?? 0,
    },
    apiFloor: floor,
    importCost: imports,
    servers,
    variants,
    leak,
    throughput,
    loadavg,
    targets: [],
    notes,
  };
  write(outDir, results);
}

function kmsBinaryOrEmpty(): string {
  try {
    return kmsBinary();
  } catch {
    return '/nonexistent';
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    say(`failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
