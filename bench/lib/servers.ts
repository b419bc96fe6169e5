/**
 * The three servers under test and, for each, the call that answers each benchmark question. A server whose
 * tool (or argument) for a question does not exist reports "tool missing" instead of failing the run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ListedTool } from './stats.ts';

export type ServerId = 'ours' | 'kms' | 'msk';

export interface Question {
  id: 'all_pods' | 'problem_pods' | 'ns_pods' | 'nodes' | 'ns_events';
  label: string;
}

export const QUESTIONS: readonly Question[] = [
  { id: 'all_pods', label: 'all pods' },
  { id: 'problem_pods', label: 'problem pods' },
  { id: 'ns_pods', label: 'pods of one namespace' },
  { id: 'nodes', label: 'nodes' },
  { id: 'ns_events', label: 'events of one namespace' },
];

export interface Call {
  tool: string;
  args: Record<string, unknown>;
  /** Why this call is (or is not quite) the equivalent of the question, when it needs saying. */
  note?: string;
}

export interface QuestionContext {
  namespace: string;
  eventsNamespace: string;
  tools: readonly ListedTool[];
}

export interface ServerSpec {
  id: ServerId;
  label: string;
  packageName: string;
  transport: string;
  /** The configuration benchmarked (which tools are on). */
  config: string;
  /** Command line; `port` is free on loopback, `kubeconfig` the file every server gets. */
  command(port: number, kubeconfig: string): { command: string; args: string[]; env: NodeJS.ProcessEnv };
  /** The first call of the start-up measurement: the cheapest tool that reaches the API server. */
  firstCall: Call;
  /** A call that does no cluster work, for the trivial-throughput figure (undefined: measured separately). */
  trivialCall?: Call;
  question(q: Question['id'], ctx: QuestionContext): Call | { missing: string };
}

const ROOT = join(import.meta.dirname, '..', '..');

/** Version of an installed package, read from its package.json. */
export function packageVersion(name: string): string {
  try {
    return (
      JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
  } catch {
    return 'not installed';
  }
}

/**
 * The Go binary of kubernetes-mcp-server, run directly (not through the npm launcher, which would add a Node
 * process in front of it and to its memory).
 */
export function kmsBinary(): string {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const name = `kubernetes-mcp-server-${platform}-${arch}`;
  const file = join(ROOT, 'node_modules', name, 'bin', name);
  if (!existsSync(file)) throw new Error(`${file} is missing: run npm install (optional dependency ${name})`);
  return file;
}

const props = (tools: readonly ListedTool[], name: string): Record<string, unknown> | undefined => {
  const t = tools.find((x) => x.name === name);
  if (!t) return undefined;
  return ((t.inputSchema as { properties?: Record<string, unknown> } | undefined)?.properties ??
    {}) as Record<string, unknown>;
};

/** The argument of our get_pods that selects problem pods, whatever the tool author named it. */
export function problemArgs(p: Record<string, unknown>): Record<string, unknown> | undefined {
  for (const key of ['problems', 'problemsOnly', 'onlyProblems', 'unhealthy', 'problem', 'failing'])
    if (key in p) return { [key]: true };
  for (const key of ['status', 'filter', 'state']) {
    const schema = p[key] as { enum?: unknown[] } | undefined;
    const value = schema?.enum?.find(
      (v) => typeof v === 'string' && /problem|unhealthy|failing|not.?ready/i.test(v),
    );
    if (value !== undefined) return { [key]: value };
  }
  return undefined;
}

export const SERVERS: readonly ServerSpec[] = [
  {
    id: 'ours',
    label: 'cluster-mcp',
    packageName: 'cluster-mcp',
    transport: 'Streamable HTTP, stateless',
    config: 'every tool registered',
    command: (port, kubeconfig) => ({
      command: process.execPath,
      args: ['src/server.ts', '--port', String(port)],
      env: {
        KUBECONFIG: kubeconfig,
        MCP_HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        MCP_RATE_LIMIT_PER_MINUTE: '0',
      },
    }),
    firstCall: { tool: 'get_version', args: {} },
    trivialCall: { tool: 'get_version', args: {} },
    question: (q, ctx) => {
      const pods = props(ctx.tools, 'get_pods');
      const allNs = (p: Record<string, unknown>) =>
        'allNamespaces' in p
          ? { allNamespaces: true }
          : 'all_namespaces' in p
            ? { all_namespaces: true }
            : {};
      switch (q) {
        case 'all_pods':
          return pods ? { tool: 'get_pods', args: allNs(pods) } : { missing: 'get_pods' };
        case 'problem_pods': {
          if (!pods) return { missing: 'get_pods' };
          const a = problemArgs(pods);
          return a
            ? { tool: 'get_pods', args: { ...allNs(pods), ...a } }
            : { missing: 'get_pods problem filter' };
        }
        case 'ns_pods':
          return pods ? { tool: 'get_pods', args: { namespace: ctx.namespace } } : { missing: 'get_pods' };
        case 'nodes':
          return props(ctx.tools, 'get_node_status')
            ? { tool: 'get_node_status', args: {} }
            : { missing: 'get_node_status' };
        case 'ns_events': {
          const ev = props(ctx.tools, 'get_events');
          if (!ev) return { missing: 'get_events' };
          // The peers list every stored event whatever its age; ours defaults to the last hour.
          return 'since' in ev
            ? {
                tool: 'get_events',
                args: { namespace: ctx.eventsNamespace, since: '30d' },
                note: 'since: 30d so that, like the peers, it covers every stored event (its default is the last hour)',
              }
            : { tool: 'get_events', args: { namespace: ctx.eventsNamespace } };
        }
      }
    },
  },
  {
    id: 'kms',
    label: 'kubernetes-mcp-server',
    // Pinned in optionalDependencies as its platform package: the registry here serves only linux-amd64, so the
    // launcher package (whose optional dependencies name every platform) cannot be locked for npm ci.
    packageName: 'kubernetes-mcp-server-linux-amd64',
    transport: 'Streamable HTTP (--port), stateful sessions',
    config: '--read-only --toolsets core,config,helm',
    command: (port, kubeconfig) => ({
      command: kmsBinary(),
      args: [
        '--port',
        String(port),
        '--bind-address',
        '127.0.0.1',
        '--read-only',
        '--toolsets',
        'core,config,helm',
        '--kubeconfig',
        kubeconfig,
      ],
      env: { KUBECONFIG: kubeconfig },
    }),
    firstCall: { tool: 'namespaces_list', args: {} },
    trivialCall: { tool: 'configuration_view', args: {} },
    question: (q, ctx) => {
      switch (q) {
        case 'all_pods':
          return { tool: 'pods_list', args: {} };
        case 'problem_pods':
          return {
            tool: 'pods_list',
            args: { fieldSelector: 'status.phase!=Running,status.phase!=Succeeded' },
            note: 'no problem filter: a phase field selector, which cannot see CrashLoopBackOff or unready Running pods',
          };
        case 'ns_pods':
          return { tool: 'pods_list_in_namespace', args: { namespace: ctx.namespace } };
        case 'nodes':
          return { tool: 'resources_list', args: { apiVersion: 'v1', kind: 'Node' } };
        case 'ns_events':
          return { tool: 'events_list', args: { namespace: ctx.eventsNamespace } };
      }
    },
  },
  {
    id: 'msk',
    label: 'mcp-server-kubernetes',
    packageName: 'mcp-server-kubernetes',
    transport: 'Streamable HTTP (ENABLE_UNSAFE_STREAMABLE_HTTP_TRANSPORT), stateless',
    config: 'ALLOW_ONLY_READONLY_TOOLS=true',
    command: (port, kubeconfig) => ({
      command: process.execPath,
      args: [join(ROOT, 'node_modules', 'mcp-server-kubernetes', 'dist', 'index.js')],
      env: {
        KUBECONFIG: kubeconfig,
        ENABLE_UNSAFE_STREAMABLE_HTTP_TRANSPORT: '1',
        HOST: '127.0.0.1',
        PORT: String(port),
        ALLOW_ONLY_READONLY_TOOLS: 'true',
      },
    }),
    firstCall: { tool: 'kubectl_get', args: { resourceType: 'namespaces' } },
    trivialCall: { tool: 'ping', args: {} },
    question: (q, ctx) => {
      switch (q) {
        case 'all_pods':
          return { tool: 'kubectl_get', args: { resourceType: 'pods', allNamespaces: true } };
        case 'problem_pods':
          return {
            tool: 'kubectl_get',
            args: {
              resourceType: 'pods',
              allNamespaces: true,
              fieldSelector: 'status.phase!=Running,status.phase!=Succeeded',
            },
            note: 'no problem filter: a phase field selector, which cannot see CrashLoopBackOff or unready Running pods',
          };
        case 'ns_pods':
          return { tool: 'kubectl_get', args: { resourceType: 'pods', namespace: ctx.namespace } };
        case 'nodes':
          return { tool: 'kubectl_get', args: { resourceType: 'nodes' } };
        case 'ns_events':
          return { tool: 'kubectl_get', args: { resourceType: 'events', namespace: ctx.eventsNamespace } };
      }
    },
  },
];
