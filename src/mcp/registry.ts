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
import { ToolError, UpstreamError } from './errors.ts';
import type { AnyTool, ToolContext } from './tool.ts';

export interface ToolListEntry {
  name: string;
  title: string;
  description: string;
  inputSchema: Record<string, unknown>;
  outputSchema: Record<string, unknown>;
  annotations: {
    title: string;
    readOnlyHint: true;
    destructiveHint: false;
    idempotentHint: true;
    openWorldHint: true;
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

/** Deterministic JSON Schema of a zod object with `additionalProperties: false` and no `$schema` noise. */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
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
        title: t.title,
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: true,
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
        const deadline = AbortSignal.timeout(this.config.limits.callTimeoutMs);
        const signal = meta.signal ? AbortSignal.any([meta.signal, deadline]) : deadline;
        const ctx: ToolContext = { signal, requestId, log, config: this.config, clients: this.clients };
        try {
          const data = (await tool.handler(parsed.data, ctx)) as Record<string, unknown>;
          truncated = data.truncated === true;
          result = { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
        } catch (err) {
          ({ outcome, result } = this.mapError(err, requestId, log, deadline.aborted));
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
