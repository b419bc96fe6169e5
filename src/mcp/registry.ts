/**
 * The one place tools are served from. Applies to every tool: read-only annotations, strict input validation
 * (unknown argument → isError naming it), structuredContent plus the same object as compact JSON text, error
 * mapping, a log line and metrics per call. Schemas are converted to JSON once, at start.
 */
import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Clients } from '../clients/index.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { deadline } from '../util/deadline.ts';
import { ToolError, UpstreamError } from './errors.ts';
import type { AnyTool, ToolContext } from './tool.ts';

export interface ToolListEntry {
  name: string;
  title: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  annotations: {
    readOnlyHint: true;
    destructiveHint: false;
    idempotentHint: true;
  };
}

export interface CallResult {
  content: { type: 'text'; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
  [key: string]: unknown;
}

export interface CallMeta {
  /** Caller identity for the audit line (token name, JWT subject, or "anonymous"). */
  caller?: string;
  signal?: AbortSignal;
}

const SAFE_INT = 9007199254740991;

/**
 * Shrinks a generated JSON Schema: every byte of tools/list is paid for in the model's context. Drops zod's
 * safe-integer bounds and folds `anyOf [X, null]` into `type: [X, "null"]`. Output schemas keep the types of
 * the result's top-level fields (the list envelope) and, below that, only the names of an object's fields:
 * a result is for reading, the JSON text shows every value, and full item schemas tripled the list's size.
 */
export function compactSchema(node: unknown, io: 'input' | 'output', depth = 0): unknown {
  if (Array.isArray(node)) return node.map((n) => compactSchema(n, io, depth));
  if (node === null || typeof node !== 'object') return node;
  const src = node as Record<string, unknown>;
  const anyOf = src.anyOf as Record<string, unknown>[] | undefined;
  if (anyOf?.length === 2 && anyOf.some((a) => a.type === 'null' && Object.keys(a).length === 1)) {
    const other = anyOf.find((a) => a.type !== 'null')!;
    if (typeof other.type === 'string') {
      const { anyOf: _drop, ...rest } = src;
      return compactSchema({ ...rest, ...other, type: [other.type, 'null'] }, io, depth);
    }
  }
  if (io === 'output' && depth >= 1) return shallow(src);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(src)) {
    // Inputs stay strict (unknown arguments are refused); a result schema need not forbid fields.
    if (io === 'output' && k === 'additionalProperties' && v === false) continue;
    if ((k === 'minimum' && v === -SAFE_INT) || (k === 'maximum' && v === SAFE_INT)) continue;
    if (k === 'properties' && v && typeof v === 'object') {
      const props: Record<string, unknown> = {};
      for (const [name, sub] of Object.entries(v)) props[name] = compactSchema(sub, io, depth + 1);
      out[k] = props;
      continue;
    }
    out[k] = compactSchema(v, io, depth);
  }
  return out;
}

/** A field of a result: its type, and for objects the names of their fields. */
function shallow(src: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (src.type !== undefined) out.type = src.type;
  if (src.properties && typeof src.properties === 'object')
    out.properties = Object.fromEntries(Object.keys(src.properties).map((k) => [k, {}]));
  const items = src.items as Record<string, unknown> | undefined;
  if (items && typeof items === 'object' && items.type !== undefined) out.items = { type: items.type };
  return out;
}

/** JSON Schema of a zod object, compacted; `$schema` dropped. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const out = compactSchema(z.toJSONSchema(schema, { io, unrepresentable: 'any' }), io) as Record<
    string,
    unknown
  >;
  delete out.$schema;
  return out;
}

/** Turns zod issues into one sentence the model can act on. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((i) => {
      if (i.code === 'unrecognized_keys') {
        const keys = i.keys.map((k) => `'${k}'`).join(', ');
        return `unknown argument${i.keys.length > 1 ? 's' : ''} ${keys} (see the tool's input schema)`;
      }
      const path = i.path.length > 0 ? i.path.join('.') : 'arguments';
      return `${path}: ${i.message}`;
    })
    .join('; ');
}

export class ToolRegistry {
  readonly tools: ReadonlyMap<string, AnyTool>;
  /** The `tools/list` answer, built once. */
  readonly list: readonly ToolListEntry[];
  private readonly config: Config;
  private readonly clients: Clients;
  private readonly metrics: Metrics;
  private readonly log: Logger;

  constructor(
    tools: readonly AnyTool[],
    deps: { config: Config; clients: Clients; metrics: Metrics; log: Logger },
  ) {
    const map = new Map<string, AnyTool>();
    for (const t of tools) {
      if (map.has(t.name)) throw new Error(`duplicate tool ${t.name}`);
      map.set(t.name, { ...t, input: t.input.strict() });
    }
    this.tools = map;
    this.list = [...map.values()].map((t) => ({
      name: t.name,
      title: t.title,
      description: t.description,
      inputSchema: jsonSchema(t.input, 'input'),
      outputSchema: jsonSchema(t.output, 'output'),
      annotations: {
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
      },
    }));
    this.config = deps.config;
    this.clients = deps.clients;
    this.metrics = deps.metrics;
    this.log = deps.log;
  }

  /** Runs one tool call end to end; never throws. */
  async call(name: string, args: unknown, meta: CallMeta = {}): Promise<CallResult> {
    const requestId = randomUUID();
    const started = performance.now();
    const tool = this.tools.get(name);
    // An unknown name comes from the caller and can be any size: log and echo only its start.
    const shownName = name.length > 100 ? `${name.slice(0, 100)}…` : name;
    const log = this.log.child({ tool: shownName, requestId, caller: meta.caller ?? 'anonymous' });
    let outcome = 'ok';
    let result: CallResult;
    let truncated = false;
    if (!tool) {
      outcome = 'caller_error';
      result = errorResult(`unknown tool '${shownName}'; available: ${[...this.tools.keys()].join(', ')}`);
    } else {
      const parsed = tool.input.safeParse(args ?? {});
      if (!parsed.success) {
        outcome = 'caller_error';
        result = errorResult(`invalid arguments for ${name}: ${describeIssues(parsed.error)}`);
      } else {
        const due = deadline(this.config.limits.callTimeoutMs, meta.signal);
        const ctx: ToolContext = {
          signal: due.signal,
          requestId,
          log,
          config: this.config,
          clients: this.clients,
        };
        try {
          const data = (await tool.handler(parsed.data, ctx)) as Record<string, unknown>;
          truncated = data.truncated === true;
          result = { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
        } catch (err) {
          ({ outcome, result } = this.mapError(err, requestId, log, due.expired));
        } finally {
          due.clear();
        }
      }
    }
    const bytes = Buffer.byteLength(result.content[0]?.text ?? '');
    const seconds = (performance.now() - started) / 1000;
    const label = tool ? name : 'unknown';
    this.metrics.toolCalls.inc({ tool: label, outcome });
    this.metrics.toolDuration.observe({ tool: label }, seconds);
    this.metrics.responseBytes.observe({ tool: label }, bytes);
    if (truncated) this.metrics.truncations.inc({ tool: label });
    log.info(
      {
        audit: true,
        outcome,
        durationMs: Math.round(seconds * 1000),
        responseBytes: bytes,
        args: argsDigest(args),
      },
      'tool call',
    );
    return result;
  }

  private mapError(
    err: unknown,
    requestId: string,
    log: Logger,
    deadlinePassed: boolean,
  ): { outcome: string; result: CallResult } {
    if (deadlinePassed && !(err instanceof ToolError && err.kind === 'caller')) {
      return {
        outcome: 'upstream_error',
        result: errorResult(
          `the call did not finish within its ${this.config.limits.callTimeoutMs} ms deadline; narrow the request or retry later.`,
        ),
      };
    }
    if (err instanceof ToolError) {
      if (err instanceof UpstreamError) log.warn({ upstream: err.details }, err.message);
      return { outcome: `${err.kind}_error`, result: errorResult(err.message) };
    }
    log.error({ err }, 'tool failed');
    return {
      outcome: 'internal_error',
      result: errorResult(
        `internal error in cluster-mcp (request id ${requestId}); the server log has the details.`,
      ),
    };
  }
}

function errorResult(message: string): CallResult {
  return { content: [{ type: 'text', text: message }], isError: true };
}

/** A short, stable digest of the arguments for the audit line: never the values themselves. */
function argsDigest(args: unknown): string {
  const text = JSON.stringify(args ?? {}) ?? '';
  return `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`;
}
