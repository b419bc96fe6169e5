/**
 * Paging shared by the core list tools. Each call reads every matching object (the summary covers all of them)
 * and returns one page. The `continue` cursor is the sort key of the last item returned, base64url JSON
 * `{"after":[...key]}`: the next call starts after that key, so every object is visited once even when the
 * tool filters in memory, and the cursor never expires (unlike the API server's own continue tokens).
 */
import { z } from 'zod';
import { CallerError } from '../../mcp/errors.ts';

/** A sort key; compared element by element. */
export type Key = readonly (string | number)[];

/** Orders two keys element by element (plain code-unit order, so it does not depend on the locale). */
export function compareKeys(a: Key, b: Key): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/** The cursor for "after this key". */
export function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify({ after: key })).toString('base64url');
}

const cursorShape = z.object({ after: z.array(z.union([z.string(), z.number()])).min(1) });

/**
 * The key a cursor points after.
 * @throws CallerError when the text is not a cursor this tool produced.
 */
export function decodeCursor(text: string, tool: string): Key {
  try {
    return cursorShape.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8'))).after;
  } catch {
    throw new CallerError(
      `continue: not a cursor from ${tool}; pass the continue value of the previous answer unchanged, or omit it to start from the beginning.`,
    );
  }
}

/** Bytes of one serialised item that the page budget allows per requested item. */
export const BYTES_PER_ITEM = 280;
/** The page budget never drops below this, so small limits are not cut further by size. */
export const MIN_PAGE_BYTES = 8192;

export interface Page<T> {
  items: T[];
  /** Position of the first item in `sorted` (0-based). */
  start: number;
  /** Set when items follow the page. */
  continue?: string;
  /** True when the page was cut by its byte budget before reaching `limit`. */
  cutBySize: boolean;
}

/**
 * One page of `sorted` (ascending by `key`): the items after the cursor, at most `limit` of them and at most
 * max(limit × BYTES_PER_ITEM, MIN_PAGE_BYTES) bytes of JSON (always at least one item), so the default answer
 * stays small however long the names and messages are. `project`, when given, turns an entry into the item
 * returned (and measured); only the entries the page looks at are projected.
 */
export function takePage<T, U = T>(
  sorted: readonly T[],
  key: (item: T) => Key,
  limit: number,
  after?: Key,
  project?: (entry: T) => U,
): Page<U> {
  let start = 0;
  if (after) {
    // Binary search for the first item whose key is greater than the cursor.
    let lo = 0;
    let hi = sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(key(sorted[mid]!), after) <= 0) lo = mid + 1;
      else hi = mid;
    }
    start = lo;
  }
  const budget = Math.max(limit * BYTES_PER_ITEM, MIN_PAGE_BYTES);
  const items: U[] = [];
  let bytes = 0;
  let cutBySize = false;
  for (let i = start; i < sorted.length && items.length < limit; i++) {
    const item = project ? project(sorted[i]!) : (sorted[i] as unknown as U);
    const size = JSON.stringify(item).length + 1;
    if (items.length > 0 && bytes + size > budget) {
      cutBySize = true;
      break;
    }
    items.push(item);
    bytes += size;
  }
  const more = start + items.length < sorted.length;
  return {
    items,
    start,
    continue: more && items.length > 0 ? encodeCursor(key(sorted[start + items.length - 1]!)) : undefined,
    cutBySize,
  };
}

/** "Showing 51-100 of 240" for a page, for hints. */
export function showing(page: Page<unknown>, total: number): string {
  const { start, items } = page;
  return items.length === 0
    ? `Showing 0 of ${total}`
    : `Showing ${start + 1}-${start + items.length} of ${total}`;
}

/** Shortens free text (messages) to `max` characters on one line. */
export function clip(text: string | undefined, max = 200): string | undefined {
  if (!text) return undefined;
  const flat = text.replace(/\s+/g, ' ').trim();
  if (!flat) return undefined;
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * Drops the properties that say nothing: undefined, null, false and empty arrays (empty strings stay, so a
 * required name is never lost; optional texts go through clip() or `|| undefined`).
 */
export function compact<T extends Record<string, unknown>>(obj: T): T {
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    if (v === undefined || v === null || v === false || (Array.isArray(v) && v.length === 0)) delete obj[k];
  }
  return obj;
}

/** Parameter descriptions shared by the core tools (kept short: the tool list is size-benchmarked). */
export const PARAM = {
  namespace: 'Default all.',
  labelSelector: 'e.g. app=web,tier!=db',
  continue: 'Cursor from the last answer.',
};
