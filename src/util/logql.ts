/**
 * Builds LogQL from query_logs' convenience filters. Every value is emitted as a quoted LogQL string with all
 * escapes applied, so no value can close the string, open a new matcher or add a pipeline stage.
 */
import { CallerError } from '../mcp/errors.ts';

/**
 * Quotes a value as a LogQL (Go) double-quoted string literal. JSON string syntax is a subset of Go's, so
 * `\"`, `\\`, `\n`, `\t`, `\uXXXX` all mean the same to Loki's parser; braces, backticks and pipes inside the
 * quotes are plain characters.
 */
export function quoteLogql(value: string): string {
  return JSON.stringify(value);
}

/** Escapes RE2 metacharacters so a literal becomes a regex matching exactly itself. */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

export interface LogFilters {
  namespace?: string;
  pod?: string;
  container?: string;
  /** Literal substring every returned line must contain (case-sensitive). */
  contains?: string;
}

/**
 * One label matcher: exact by default; a value ending in `*` matches that prefix (`web-*` → `=~"web-.*"`),
 * with the rest of the value taken literally.
 */
function matcher(label: string, value: string): string {
  if (value.endsWith('*') && value.length > 1) {
    return `${label}=~${quoteLogql(`${escapeRegex(value.slice(0, -1))}.*`)}`;
  }
  return `${label}=${quoteLogql(value)}`;
}

/**
 * Builds `{namespace="…",pod="…",container="…"} |= "…"` from the filters.
 * @throws CallerError when no label filter is given (Loki needs a stream selector).
 */
export function buildLogQuery(filters: LogFilters): string {
  const parts: string[] = [];
  for (const label of ['namespace', 'pod', 'container'] as const) {
    const v = filters[label];
    if (v !== undefined && v !== '') parts.push(matcher(label, v));
  }
  if (parts.length === 0) {
    throw new CallerError(
      'query_logs needs a LogQL query, or at least one of namespace, pod, container to select log streams.',
    );
  }
  let q = `{${parts.join(',')}}`;
  if (filters.contains !== undefined && filters.contains !== '') q += ` |= ${quoteLogql(filters.contains)}`;
  return q;
}
