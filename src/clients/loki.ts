/**
 * Loki HTTP API: `GET /loki/api/v1/query_range` for log and metric LogQL. Loki answers a bad query with 400 and
 * a plain-text message ("parse error at line 1, col 8: …"); it reaches the model verbatim as a CallerError.
 */
import { z } from 'zod';
import { CallerError } from '../mcp/errors.ts';
import type { HttpBackend } from './http.ts';

const labels = z.record(z.string(), z.string());
/** [unix ns as string, line] plus, with categorized labels, a structured-metadata object. */
const entry = z.tuple([z.string(), z.string()]).rest(z.unknown());
const sample = z.tuple([z.number(), z.string()]);

export const lokiQueryData = z.discriminatedUnion('resultType', [
  z.object({
    resultType: z.literal('streams'),
    result: z.array(z.object({ stream: labels, values: z.array(entry) })),
  }),
  z.object({
    resultType: z.literal('matrix'),
    result: z.array(z.object({ metric: labels, values: z.array(sample) })),
  }),
  z.object({
    resultType: z.literal('vector'),
    result: z.array(z.object({ metric: labels, value: sample })),
  }),
]);
export type LokiQueryData = z.output<typeof lokiQueryData>;

const envelope = z.object({
  status: z.string(),
  data: lokiQueryData,
  warnings: z.array(z.string()).optional(),
});

export interface LokiRangeQuery {
  query: string;
  /** Unix nanoseconds. */
  startNs: bigint;
  endNs: bigint;
  limit: number;
  direction: 'forward' | 'backward';
  /** Seconds; used by metric queries only. */
  step?: number;
}

export interface LokiQueryResult {
  data: LokiQueryData;
  warnings: string[];
}

/** Runs a range query (log or metric LogQL). */
export async function lokiQueryRange(
  http: HttpBackend,
  q: LokiRangeQuery,
  signal: AbortSignal,
): Promise<LokiQueryResult> {
  const res = await http.request('/loki/api/v1/query_range', {
    query: {
      query: q.query,
      start: q.startNs.toString(),
      end: q.endNs.toString(),
      limit: q.limit,
      direction: q.direction,
      step: q.step,
    },
    signal,
    passStatuses: [400],
  });
  if (res.status === 400)
    throw new CallerError(`Loki rejected the query ${q.query}: ${errorMessage(res.text)}`);
  const env = http.parseJson(res, envelope);
  return { data: env.data, warnings: env.warnings ?? [] };
}

/** Loki's error text: plain text in most versions, `{"message": …}` or `{"error": …}` JSON in some. */
function errorMessage(text: string): string {
  const trimmed = text.trim();
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (parsed && typeof parsed === 'object') {
      const o = parsed as { message?: unknown; error?: unknown };
      const m = o.message ?? o.error;
      if (typeof m === 'string') return m.slice(0, 1024);
    }
  } catch {
    // plain text
  }
  return trimmed.slice(0, 1024);
}
