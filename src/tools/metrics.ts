/** query_metrics: PromQL instant and range queries, bounded in series and in points per series. */
import { z } from 'zod';
import { promInstantQuery, promRangeQuery } from '../clients/prometheus.ts';
import { listOutputSchema, listResult } from '../mcp/envelope.ts';
import { CallerError } from '../mcp/errors.ts';
import { defineTool } from '../mcp/tool.ts';
import {
  autoStep,
  checkResolution,
  isoOfSeconds,
  parseStep,
  parseTime,
  projectRange,
  projectSamples,
  type SeriesItem,
  sampleOf,
  seriesItem,
} from './obs-shared.ts';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 200;

const summary = z.object({
  resultType: z.string(),
  time: z.string().optional(),
  start: z.string().optional(),
  end: z.string().optional(),
  step: z.number().optional(),
});

export const queryMetrics = defineTool({
  name: 'query_metrics',
  title: 'Prometheus query',
  description:
    'PromQL instant or range query: series with labels and value, or a compact grid with min/max/avg/last.',
  input: z.object({
    query: z.string().min(1).max(10_000).describe('PromQL'),
    time: z.string().optional().describe('RFC 3339, unix s or ago (1h); default now'),
    start: z.string().optional().describe('Range start, same forms (7d); makes a range query'),
    end: z.string().optional().describe('Default now'),
    step: z.string().optional().describe('e.g. 5m; default ~60 points; max 11000 points'),
    limit: z.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT).describe('Series'),
  }),
  output: listOutputSchema(seriesItem, summary).extend({ warnings: z.array(z.string()).optional() }),
  handler: async (args, ctx) => {
    const http = ctx.clients.prometheus;
    http.requireConfigured();
    const now = Date.now();
    const isRange = args.start !== undefined || args.end !== undefined || args.step !== undefined;
    if (isRange && args.time !== undefined) {
      throw new CallerError('give time for an instant query, or start/end/step for a range query, not both.');
    }
    if (isRange && args.start === undefined) {
      throw new CallerError('a range query needs start (e.g. "6h" for six hours ago); end defaults to now.');
    }

    let items: SeriesItem[];
    let warnings: string[];
    let resultType: string;
    let thinned = false;
    let total: number;
    const sum: z.input<typeof summary> = { resultType: '' };

    if (isRange) {
      const end = args.end !== undefined ? parseTime(args.end, 'end', now) / 1000 : now / 1000;
      const start = parseTime(args.start!, 'start', now) / 1000;
      if (start >= end) throw new CallerError('start must be before end.');
      const range = end - start;
      const step = args.step !== undefined ? parseStep(args.step) : autoStep(range);
      const points = checkResolution(range, step);
      const res = await promRangeQuery(http, { query: args.query, start, end, step }, ctx.signal);
      warnings = res.warnings;
      resultType = res.data.resultType;
      if (res.data.resultType !== 'matrix')
        throw new CallerError(`unexpected ${resultType} from a range query`);
      total = res.data.result.length;
      const kept = res.data.result
        .slice(0, args.limit)
        .map((r) => ({ labels: r.metric, values: r.values as [number, string][] }));
      const projected = projectRange(kept, { start, queryStep: step, points });
      items = projected.items;
      thinned = projected.thinned;
      Object.assign(sum, { start: isoOfSeconds(start), end: isoOfSeconds(end), step: projected.step });
    } else {
      const time = args.time !== undefined ? parseTime(args.time, 'time', now) / 1000 : undefined;
      const res = await promInstantQuery(http, { query: args.query, time }, ctx.signal);
      warnings = res.warnings;
      const data = res.data;
      resultType = data.resultType;
      switch (data.resultType) {
        case 'vector':
          total = data.result.length;
          items = data.result
            .slice(0, args.limit)
            .map((r) => ({ labels: r.metric, value: sampleOf(r.value[1]) }));
          sum.time = isoOfSeconds(data.result[0]?.value[0] ?? time ?? now / 1000);
          break;
        case 'matrix': {
          total = data.result.length;
          const kept = data.result
            .slice(0, args.limit)
            .map((r) => ({ labels: r.metric, values: r.values as [number, string][] }));
          ({ items, thinned } = projectSamples(kept));
          break;
        }
        case 'scalar':
          total = 1;
          items = [{ labels: {}, value: sampleOf(data.result[1]) }];
          sum.time = isoOfSeconds(data.result[0]);
          break;
        case 'string':
          total = 1;
          items = [{ labels: {}, value: data.result[1] }];
          sum.time = isoOfSeconds(data.result[0]);
          break;
      }
    }
    sum.resultType = resultType;

    const truncated = total > items.length;
    let hint: string | undefined;
    if (truncated) {
      hint = `Showing ${items.length} of ${total} series; aggregate (sum by (label) (...), topk), add label matchers, or raise limit (max ${MAX_LIMIT}).`;
    } else if (thinned) {
      hint =
        'Sample lists were thinned to keep the answer small (min/max/avg/last use every sample); use a larger step or fewer series for full resolution.';
    }
    const out = listResult({
      items,
      total,
      truncated,
      summary: sum,
      hint,
      emptyHint:
        'No series matched; check the metric name and label values (e.g. query count by (__name__) ({__name__=~"part.*"})) or the time.',
    });
    return warnings.length > 0 ? { ...out, warnings } : out;
  },
});
