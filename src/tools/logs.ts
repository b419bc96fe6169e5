/** query_logs: LogQL over a time window, bounded in lines and line length, secrets masked. */
import { z } from 'zod';
import { lokiQueryRange } from '../clients/loki.ts';
import { listOutputSchema, listResult } from '../mcp/envelope.ts';
import { CallerError } from '../mcp/errors.ts';
import { defineTool } from '../mcp/tool.ts';
import { buildLogQuery } from '../util/logql.ts';
import { redactSecrets } from '../util/redact.ts';
import {
  autoStep,
  checkResolution,
  clip,
  formatSeconds,
  projectRange,
  resolveWindow,
  type SeriesItem,
  sampleOf,
  seriesItem,
} from './obs-shared.ts';

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;
const DEFAULT_SINCE = '1h';
/** Longest line returned; longer ones are cut and marked. */
const MAX_LINE = 500;

const line = z.object({
  /** Time of the line (RFC 3339, ms precision). */
  t: z.string(),
  /** Index into `streams`. */
  s: z.number().int(),
  line: z.string(),
});
type Line = z.output<typeof line>;

const summary = z.object({
  query: z.string(),
  start: z.string(),
  end: z.string(),
  resultType: z.string(),
  step: z.number().optional(),
});

const NS_PER_MS = 1_000_000n;

function isoOfNs(ns: string): string {
  try {
    return new Date(Number(BigInt(ns) / NS_PER_MS)).toISOString();
  } catch {
    return ns;
  }
}

export const queryLogs = defineTool({
  name: 'query_logs',
  title: 'Loki log search',
  description:
    'Search Loki logs by LogQL or namespace/pod/container/contains filters; newest first, secrets masked.',
  input: z.object({
    query: z.string().min(1).max(5000).optional().describe('LogQL (or use filters)'),
    namespace: z.string().optional().describe('Exact'),
    pod: z.string().optional().describe('Exact; trailing * = prefix'),
    container: z.string().optional().describe('Exact'),
    contains: z.string().max(1000).optional().describe('Literal substring'),
    since: z.string().optional().describe(`Default ${DEFAULT_SINCE}`),
    start: z.string().optional().describe('RFC 3339 or unix s, instead of since'),
    end: z.string().optional().describe('Default now'),
    limit: z.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT).describe('Lines'),
    direction: z.enum(['backward', 'forward']).default('backward').describe('backward = newest first'),
  }),
  output: listOutputSchema(z.union([line, seriesItem]), summary).extend({
    streams: z.array(z.record(z.string(), z.string())).optional(),
    warnings: z.array(z.string()).optional(),
  }),
  handler: async (args, ctx) => {
    const http = ctx.clients.loki;
    http.requireConfigured();
    const hasFilters = [args.namespace, args.pod, args.container, args.contains].some((v) => v !== undefined);
    if (args.query !== undefined && hasFilters) {
      throw new CallerError(
        'give either query (LogQL) or the filters namespace/pod/container/contains, not both.',
      );
    }
    const query = args.query ?? buildLogQuery(args);
    const now = Date.now();
    const { start, end } = resolveWindow(args, DEFAULT_SINCE, now);
    const rangeSec = (end - start) / 1000;
    const step = autoStep(rangeSec);
    const points = checkResolution(rangeSec, step);

    const res = await lokiQueryRange(
      http,
      {
        query,
        startNs: BigInt(start) * NS_PER_MS,
        endNs: BigInt(end) * NS_PER_MS,
        // One more than asked reveals whether lines were left out.
        limit: args.limit + 1,
        direction: args.direction,
        step,
      },
      ctx.signal,
    );
    const data = res.data;
    const sum: z.input<typeof summary> = {
      query,
      start: new Date(start).toISOString(),
      end: new Date(end).toISOString(),
      resultType: data.resultType,
    };
    const warnings = res.warnings.length > 0 ? { warnings: res.warnings } : {};

    if (data.resultType === 'streams') {
      const entries: { ns: bigint; raw: string; stream: number; line: string }[] = [];
      data.result.forEach((s, stream) => {
        for (const v of s.values) {
          let ns: bigint;
          try {
            ns = BigInt(v[0]);
          } catch {
            ns = 0n;
          }
          entries.push({ ns, raw: v[0], stream, line: v[1] });
        }
      });
      const backward = args.direction === 'backward';
      entries.sort((a, b) => {
        if (a.ns !== b.ns) return (a.ns < b.ns ? -1 : 1) * (backward ? -1 : 1);
        return a.stream - b.stream;
      });
      const truncated = entries.length > args.limit;
      const kept = entries.slice(0, args.limit);
      // Streams numbered in order of first appearance among the returned lines.
      const index = new Map<number, number>();
      const streams: Record<string, string>[] = [];
      const items: Line[] = kept.map((e) => {
        let s = index.get(e.stream);
        if (s === undefined) {
          s = streams.length;
          index.set(e.stream, s);
          streams.push(data.result[e.stream]!.stream);
        }
        const text = ctx.config.redactSecrets ? redactSecrets(e.line) : e.line;
        return { t: isoOfNs(e.raw), s, line: clip(text, MAX_LINE) };
      });
      const windowText = formatSeconds(Math.round(rangeSec));
      return {
        ...listResult<Line | SeriesItem, typeof sum>({
          items,
          total: truncated ? null : items.length,
          truncated,
          summary: sum,
          hint: truncated
            ? `More than ${args.limit} lines match in ${windowText}; showing the ${backward ? 'newest' : 'oldest'}. Narrow the window (since/start/end), add a line filter (|= "text"), or raise limit (max ${MAX_LIMIT}).`
            : undefined,
          emptyHint: `No lines in the last ${windowText} for ${query}; widen since, check label values (namespace, pod, container), or loosen the line filter.`,
        }),
        streams,
        ...warnings,
      };
    }

    let items: SeriesItem[];
    let thinned = false;
    if (data.resultType === 'matrix') {
      const projected = projectRange(
        data.result.map((r) => ({ labels: r.metric, values: r.values as [number, string][] })),
        { start: start / 1000, queryStep: step, points },
      );
      items = projected.items;
      thinned = projected.thinned;
      sum.step = projected.step;
    } else {
      items = data.result.map((r) => ({ labels: r.metric, value: sampleOf(r.value[1]) }));
    }
    const total = items.length;
    const kept = items.slice(0, args.limit);
    return {
      ...listResult<Line | SeriesItem, typeof sum>({
        items: kept,
        total,
        summary: sum,
        hint:
          total > kept.length
            ? `Showing ${kept.length} of ${total} series; aggregate further (sum by (label)) or raise limit.`
            : thinned
              ? 'Series values were thinned to keep the answer small; min/max/avg/last use every sample.'
              : undefined,
        emptyHint: `No series for ${query} in this window; widen since or check the selector.`,
      }),
      ...warnings,
    };
  },
});
