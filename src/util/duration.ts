/**
 * Durations as people type them (`30s`, `15m`, `24h`, `7d`, `1h30m`), for parameters such as get_events `since`
 * and query_logs windows, and compact ages (`3d4h`) for results.
 */
import { CallerError } from '../mcp/errors.ts';

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/y;

/**
 * Parses a duration such as `90s`, `15m`, `24h`, `7d`, `2w` or a sum like `1h30m` into milliseconds.
 * @param name the parameter the text came from, named in the error.
 * @throws CallerError saying what a valid duration looks like.
 */
export function parseDuration(text: string, name = 'duration'): number {
  const s = text.trim();
  let total = 0;
  let pos = 0;
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (!m) break;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    pos = PART.lastIndex;
  }
  if (s.length === 0 || pos !== s.length || !Number.isFinite(total)) {
    throw new CallerError(
      `${name}: "${text.slice(0, 40)}" is not a duration; use a number and a unit (ms, s, m, h, d, w), e.g. 30s, 15m, 24h, 7d or 1h30m.`,
    );
  }
  return Math.round(total);
}

/** A compact age like kubectl's: `45s`, `12m`, `5h20m`, `3d4h`, `120d`; negative spans (clock skew) read `0s`. */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 10 && h % 24) return `${d}d${h % 24}h`;
  return `${d}d`;
}

/** Age of a Kubernetes timestamp relative to `now`, or undefined when the timestamp is missing or unparsable. */
export function ageOf(timestamp: string | undefined, now: number): string | undefined {
  if (!timestamp) return undefined;
  const t = Date.parse(timestamp);
  return Number.isNaN(t) ? undefined : formatAge(now - t);
}
