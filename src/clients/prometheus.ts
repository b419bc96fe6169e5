/**
 * Prometheus HTTP API v1: instant and range queries. Envelopes are checked with zod here; `bad_data` and
 * `execution` errors come back as CallerError carrying Prometheus' own message, since the caller can fix them.
 */
import { z } from 'zod';
import { CallerError, UpstreamError } from '../mcp/errors.ts';
import type { HttpBackend } from './http.ts';

/** A sample value as Prometheus sends it: a string, so NaN and ±Inf survive JSON ("NaN", "+Inf", "-Inf"). */
const sample = z.tuple([z.number(), z.string()]);

const labels = z.record(z.string(), z.string());

const vector = z.object({
  resultType: z.literal('vector'),
  result: z.array(z.object({ metric: labels, value: sample })),
});
const matrix = z.object({
  resultType: z.literal('matrix'),
  result: z.array(z.object({ metric: labels, values: z.array(sample) })),
});
const scalar = z.object({ resultType: z.literal('scalar'), result: sample });
const string = z.object({ resultType: z.literal('string'), result: sample });

/** The `data` of a query answer. */
export const promQueryData = z.discriminatedUnion('resultType', [vector, matrix, scalar, string]);
export type PromQueryData = z.output<typeof promQueryData>;
export type PromSample = z.output<typeof sample>;

const envelope = z.object({
  status: z.enum(['success', 'error']),
  data: z.unknown().optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
  warnings: z.array(z.string()).optional(),
  infos: z.array(z.string()).optional(),
});

export interface PromQueryResult {
  data: PromQueryData;
  /** Prometheus warnings and (3.x) info annotations, passed on to the model. */
  warnings: string[];
}

/** Statuses Prometheus answers with a JSON error envelope that the caller should see verbatim. */
const QUERY_ERROR_STATUSES = [400, 422, 503];

async function run(
  http: HttpBackend,
  path: string,
  query: Record<string, string>,
  signal: AbortSignal,
): Promise<PromQueryResult> {
  const res = await http.request(path, { query, signal, passStatuses: QUERY_ERROR_STATUSES });
  const env = http.parseJson(res, envelope);
  if (env.status === 'error' || res.status !== 200) {
    const type = env.errorType ?? 'error';
    const message = env.error ?? `HTTP ${res.status}`;
    if (type === 'bad_data' || type === 'execution') {
      throw new CallerError(`Prometheus rejected the query (${type}): ${message}`);
    }
    throw new UpstreamError(`Prometheus at ${res.url} failed the query (${type}): ${message}`, {
      backend: 'prometheus',
      url: res.url,
      status: res.status,
      body: message.slice(0, 1024),
    });
  }
  const parsed = promQueryData.safeParse(env.data);
  if (!parsed.success) {
    throw new UpstreamError(`Prometheus at ${res.url} answered a query result of unexpected shape`, {
      backend: 'prometheus',
      url: res.url,
      status: res.status,
    });
  }
  return { data: parsed.data, warnings: [...(env.warnings ?? []), ...(env.infos ?? [])] };
}

/** Evaluates an instant query at `time` (unix seconds; Prometheus uses now when omitted). */
export function promInstantQuery(
  http: HttpBackend,
  params: { query: string; time?: number },
  signal: AbortSignal,
): Promise<PromQueryResult> {
  const q: Record<string, string> = { query: params.query };
  if (params.time !== undefined) q.time = String(params.time);
  return run(http, '/api/v1/query', q, signal);
}

/** Evaluates a range query; times and step in seconds. */
export function promRangeQuery(
  http: HttpBackend,
  params: { query: string; start: number; end: number; step: number },
  signal: AbortSignal,
): Promise<PromQueryResult> {
  return run(
    http,
    '/api/v1/query_range',
    {
      query: params.query,
      start: String(params.start),
      end: String(params.end),
      step: String(params.step),
    },
    signal,
  );
}
