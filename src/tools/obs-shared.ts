/**
 * Helpers shared by the observability tools: time parameters, bounded text, sample values that keep NaN and
 * ±Inf explicit, and compact series (a value grid plus min/max/avg/last) for PromQL and metric LogQL answers.
 */
import { z } from 'zod';
import { CallerError } from '../mcp/errors.ts';
import { parseDuration } from '../util/duration.ts';

/** Prometheus and Loki refuse range queries with more points per series than this. */
export const MAX_POINTS_PER_SERIES = 11_000;
/** When the caller gives no step, one that yields about this many points per series is chosen. */
export const TARGET_POINTS = 60;
/** Upper bound on grid values returned across all series of one answer; longer grids are thinned. */
export const MAX_RETURNED_VALUES = 2_400;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const UNIX = /^\d{9,11}(?:\.\d+)?$/;

/**
 * A point in time from RFC 3339, unix seconds, `now`, or a duration meaning that long ago (`2h`).
 * @returns epoch milliseconds.
 */
export function parseTime(text: string, name: string, now: number): number {
  const s = text.trim();
  if (s === 'now') return now;
  if (RFC3339.test(s)) {
    const t = Date.parse(s);
    if (!Number.isNaN(t)) return t;
  }
  if (UNIX.test(s)) return Math.round(Number(s) * 1000);
  try {
    return now - parseDuration(s, name);
  } catch {
    throw new CallerError(
      `${name}: "${text.slice(0, 40)}" is not a time; use RFC 3339 (2026-01-02T15:04:05Z), unix seconds, or a duration ago (30m, 2h, 7d).`,
    );
  }
}

/** A step as a duration (`5m`, `30s`) or plain seconds (`300`); returns seconds. */
export function parseStep(text: string): number {
  const s = text.trim();
  const sec = /^\d+(?:\.\d+)?$/.test(s) ? Number(s) : parseDuration(s, 'step') / 1000;
  if (!(sec > 0)) throw new CallerError('step: must be greater than zero, e.g. 30s or 5m.');
  return sec;
}

/** A window from `since` or `start`/`end`, checked; times in epoch ms. */
export function resolveWindow(
  args: { since?: string; start?: string; end?: string },
  defaultSince: string,
  now: number,
): { start: number; end: number } {
  if (args.since !== undefined && args.start !== undefined) {
    throw new CallerError('give either since or start (with an optional end), not both.');
  }
  const end = args.end !== undefined ? parseTime(args.end, 'end', now) : now;
  const start =
    args.start !== undefined
      ? parseTime(args.start, 'start', now)
      : end - parseDuration(args.since ?? defaultSince, 'since');
  if (start >= end) throw new CallerError('start must be before end.');
  return { start, end };
}

/** The step (seconds) that keeps a range to about TARGET_POINTS points per series. */
export function autoStep(rangeSeconds: number): number {
  return Math.max(1, Math.ceil(rangeSeconds / TARGET_POINTS));
}

/**
 * Checks a range against the per-series point limit Prometheus and Loki enforce.
 * @throws CallerError naming the smallest step that fits.
 */
export function checkResolution(rangeSeconds: number, step: number): number {
  const points = Math.floor(rangeSeconds / step) + 1;
  if (points > MAX_POINTS_PER_SERIES) {
    const minStep = Math.ceil(rangeSeconds / (MAX_POINTS_PER_SERIES - 1));
    throw new CallerError(
      `a ${formatSeconds(rangeSeconds)} range at step ${formatSeconds(step)} gives ${points} points per series, over the limit of ${MAX_POINTS_PER_SERIES}; use step ${formatSeconds(minStep)} or more (or omit step for about ${TARGET_POINTS} points).`,
    );
  }
  return points;
}

/** `90` → `1m30s`; `604800` → `7d`. */
export function formatSeconds(total: number): string {
  if (!Number.isInteger(total)) return `${total}s`;
  const units: [string, number][] = [
    ['d', 86_400],
    ['h', 3_600],
    ['m', 60],
    ['s', 1],
  ];
  let rest = total;
  let out = '';
  for (const [u, n] of units) {
    if (rest >= n) {
      out += `${Math.floor(rest / n)}${u}`;
      rest %= n;
    }
  }
  return out || '0s';
}

/** Cuts text to `max` characters, saying how much was cut. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}… [+${text.length - max} chars]` : text;
}

/** A sample value: a number, or the string "NaN", "+Inf" or "-Inf" (JSON has no such numbers). */
export type SampleValue = number | string;

export const sampleValue = z.union([z.number(), z.string()]);
const labels = z.record(z.string(), z.string());

/** One series of a query answer; which fields appear depends on the result type. */
export const seriesItem = z.object({
  labels,
  /** Instant vector / scalar / string value. */
  value: sampleValue.optional(),
  /** Range answer: one value per grid point from summary.start every summary.step seconds; null = no sample. */
  values: z.array(sampleValue.nullable()).optional(),
  /** Range-vector answer of an instant query: [unix seconds, value] pairs, newest kept. */
  samples: z.array(z.tuple([z.number(), sampleValue])).optional(),
  min: sampleValue.optional(),
  max: sampleValue.optional(),
  avg: sampleValue.optional(),
  last: sampleValue.optional(),
  points: z.number().int().optional(),
});
export type SeriesItem = z.output<typeof seriesItem>;

/** The number an upstream sample string stands for; Go writes infinities as "+Inf"/"-Inf", which Number() rejects. */
export function numberOf(raw: string): number {
  switch (raw.trim().toLowerCase()) {
    case '+inf':
    case 'inf':
    case '+infinity':
    case 'infinity':
      return Number.POSITIVE_INFINITY;
    case '-inf':
    case '-infinity':
      return Number.NEGATIVE_INFINITY;
    default:
      return Number(raw);
  }
}

/** Parses an upstream sample string; non-finite values become the explicit strings "NaN", "+Inf", "-Inf". */
export function sampleOf(raw: string): SampleValue {
  return encode(numberOf(raw));
}

function encode(n: number): SampleValue {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Number.POSITIVE_INFINITY) return '+Inf';
  if (n === Number.NEGATIVE_INFINITY) return '-Inf';
  return n;
}

/** min, max, avg over the non-NaN samples, and the last sample as sent; NaN/±Inf encoded explicitly. */
export function seriesStats(raw: string[]): Pick<SeriesItem, 'min' | 'max' | 'avg' | 'last' | 'points'> {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let n = 0;
  for (const r of raw) {
    const v = numberOf(r);
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    n++;
  }
  const out: Pick<SeriesItem, 'min' | 'max' | 'avg' | 'last' | 'points'> = { points: raw.length };
  if (n > 0) {
    out.min = encode(min);
    out.max = encode(max);
    out.avg = encode(sum / n);
  }
  const last = raw.at(-1);
  if (last !== undefined) out.last = sampleOf(last);
  return out;
}

export interface Grid {
  /** Epoch seconds of the first point. */
  start: number;
  /** Seconds between points of the returned grid (a multiple of the query step when thinned). */
  step: number;
  /** Query step in seconds. */
  queryStep: number;
  /** Points of the query grid. */
  points: number;
}

/**
 * Projects range series onto a value grid (null where a series has no sample), thinning the grid to a common
 * stride when the answer would exceed MAX_RETURNED_VALUES; statistics always use every sample.
 */
export function projectRange(
  series: { labels: Record<string, string>; values: [number, string][] }[],
  grid: Omit<Grid, 'step'>,
): { items: SeriesItem[]; step: number; thinned: boolean } {
  const stride = Math.max(1, Math.ceil((grid.points * series.length) / MAX_RETURNED_VALUES));
  const slots = Math.ceil(grid.points / stride);
  const items = series.map((s) => {
    const values: (SampleValue | null)[] = new Array(slots).fill(null);
    for (const [t, v] of s.values) {
      const i = Math.round((t - grid.start) / grid.queryStep);
      if (i < 0 || i >= grid.points || i % stride !== 0) continue;
      values[i / stride] = sampleOf(v);
    }
    return { labels: s.labels, values, ...seriesStats(s.values.map((p) => p[1])) };
  });
  return { items, step: grid.queryStep * stride, thinned: stride > 1 };
}

/** Range vectors from an instant query (`up[5m]`): explicit samples, newest kept within the value budget. */
export function projectSamples(series: { labels: Record<string, string>; values: [number, string][] }[]): {
  items: SeriesItem[];
  thinned: boolean;
} {
  const perSeries = Math.max(5, Math.floor(MAX_RETURNED_VALUES / Math.max(1, series.length)));
  let thinned = false;
  const items = series.map((s) => {
    const kept = s.values.slice(-perSeries);
    if (kept.length < s.values.length) thinned = true;
    return {
      labels: s.labels,
      samples: kept.map(([t, v]) => [t, sampleOf(v)] as [number, SampleValue]),
      ...seriesStats(s.values.map((p) => p[1])),
    };
  });
  return { items, thinned };
}

/** ISO time of epoch seconds. */
export function isoOfSeconds(sec: number): string {
  return new Date(sec * 1000).toISOString();
}
