/** Shape of docs/benchmarks.json: every raw figure of one run. */
import type { Question, ServerId } from './servers.ts';
import type { Summary, ToolListSizes } from './stats.ts';

export interface QuestionResult {
  id: Question['id'];
  label: string;
  status: 'ok' | 'tool missing' | 'error';
  tool?: string;
  args?: Record<string, unknown>;
  note?: string;
  missing?: string;
  /** Client-side latency of the measured calls (warm-ups excluded), ms. */
  latencyMs?: Summary;
  warmups?: number;
  /** Bytes of the text content of the last answer (what a model reads). */
  textBytes?: number;
  /** Bytes of the whole result object (structuredContent included). */
  wireBytes?: number;
  isError?: boolean;
  /** Items the answer lists (structured count for ours; format-agnostic count for the peers). */
  items?: number;
  /** Items the question has in the cluster (the truth). */
  truth?: number;
  /** Distinct names the answer should contain: pods, nodes, or the objects the events are about. */
  truthNames?: number;
  /** Of those, the names found in the answer as whole tokens. */
  namesFound?: number;
  complete?: boolean;
  saidCut?: boolean;
  statedTotal?: number;
  excerpt?: string;
}

export interface ThroughputResult {
  mode: string;
  tool: string;
  concurrency: number;
  calls: number;
  ok: number;
  failed: number;
  firstFailure?: string;
  seconds: number;
  callsPerSecond: number;
  latencyMs: Summary;
  /**
   * CPU seconds used during the run by the server, the API server, the harness (load generator) and every other
   * process on the machine (`other`: work that is not the benchmark's and competes with it).
   */
  cpuSeconds?: { server: number; apiserver?: number; harness: number; other?: number };
}

/** Start-up times over several starts of the same server, ms from process start. */
export interface StartupRepeats {
  readyMs: Summary;
  firstCallMs: Summary;
}

export interface MemorySample {
  calls: number;
  rssMib: number;
  /** Live JS heap after a forced full GC (see Results.leak.heapIsLive). */
  heapUsedMib?: number;
}

export interface ServerResult {
  id: ServerId;
  label: string;
  version: string;
  transport: string;
  /** The configuration benchmarked (which tools are on). */
  config: string;
  command: string;
  startup: {
    /** Process start → /readyz 200 (ours only), ms. */
    readyMs?: number;
    /** Process start → MCP session initialized (first successful initialize), ms. */
    initializedMs?: number;
    /** Process start → first answered tools/call, ms. */
    firstCallMs?: number;
    firstCallTool: string;
    error?: string;
  };
  toolList?: ToolListSizes;
  /** Extra tool-list configurations measured for reference (e.g. mcp-server-kubernetes non-destructive). */
  otherToolLists?: { config: string; sizes: ToolListSizes }[];
  memory: {
    idleMib?: number;
    afterLoadMib?: number;
    peakMib?: number;
    /** JS heap used as the server's /metrics last saw it (garbage included). */
    heapUsedIdleMib?: number;
    heapUsedAfterLoadMib?: number;
    /** Live JS heap after the questions, after a full GC forced through the inspector (ours only). */
    liveHeapAfterLoadMib?: number;
    /** RSS right after that forced GC: what V8 gives back when it collects. */
    afterLoadAfterGcMib?: number;
  };
  questions: QuestionResult[];
  trivialThroughput?: ThroughputResult;
  /** Ours only: more start-ups of the same server (the first one is in `startup`). */
  startupRepeats?: StartupRepeats;
  /** Ours only: the watch-backed pod cache as /readyz reported it, and when it had synced (ms from start). */
  podCache?: { state: string; pods?: number; listMs?: number; syncedMs?: number };
  /** Ours only: the same server compiled by tsc and run as the image runs it (`node dist/server.js`). */
  compiled?: {
    readyMs?: number;
    firstCallMs?: number;
    cacheSyncedMs?: number;
    idleMib?: number;
    /** Live JS heap at idle after a full GC forced through the inspector, and the RSS right after it. */
    liveHeapIdleMib?: number;
    idleAfterGcMib?: number;
    repeats?: StartupRepeats;
    error?: string;
  };
  error?: string;
}

export interface TargetResult {
  id: string;
  text: string;
  value: number | null;
  limit: number;
  unit: string;
  met: boolean | null;
  /** Signed margin: positive = better than the limit by this much (in `unit`). */
  margin: number | null;
  reason: string;
}

export interface Results {
  generatedAt: string;
  durationSeconds: number;
  machine: { nproc: number; memTotalMib: number; cpuModel: string; kernel: string; os: string };
  versions: Record<string, string>;
  method: {
    calls: number;
    warmups: number;
    budgetSecondsPerQuestion: number;
    client: string;
    kubeconfig: string;
    throughputClient: string;
    concurrency: number;
    throughputCalls: number;
    /** NODE_OPTIONS given to cluster-mcp (BENCH_OURS_NODE_OPTIONS); '' = none. */
    oursNodeOptions: string;
    /** Node flags of the image's CMD, given to every run of cluster-mcp. */
    oursNodeFlags: string;
  };
  cluster: {
    podsRequested: number;
    pods: number;
    problemPods: number;
    namespaces: number;
    nodes: number;
    events: number;
    namespace: string;
    namespacePods: number;
    eventsNamespace: string;
    namespaceEvents: number;
  };
  /** What the API server itself takes to list, from the harness with the admin kubeconfig (the floor). */
  apiFloor: { what: string; latencyMs: Summary; bytes: number }[];
  /** RSS of a fresh Node process after importing one module (idle memory contributors). */
  importCost: { what: string; rssMib: number; importMs: number }[];
  servers: ServerResult[];
  /** The same servers in another configuration (ours without its pod cache), for the design trade-off. */
  variants: ServerResult[];
  leak?: {
    calls: number;
    series: MemorySample[];
    before: MemorySample;
    after: MemorySample;
    afterSettle: MemorySample;
    rssSlopeMibPer10k: number;
    heapSlopeMibPer10k?: number;
    /** heapUsedMib is the live heap after a forced full GC (inspector); otherwise heap used as last scraped. */
    heapIsLive: boolean;
    verdict: 'flat' | 'growing';
  };
  throughput: ThroughputResult[];
  /** Load average of the machine as each phase started. */
  loadavg: { phase: string; avg1: number; avg5: number }[];
  targets: TargetResult[];
  notes: string[];
}
