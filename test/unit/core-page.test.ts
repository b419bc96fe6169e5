import { describe, expect, it } from 'vitest';
import { CallerError } from '../../src/mcp/errors.ts';
import {
  BYTES_PER_ITEM,
  clip,
  compareKeys,
  decodeCursor,
  encodeCursor,
  type Key,
  MIN_PAGE_BYTES,
  showing,
  takePage,
} from '../../src/tools/core/page.ts';

interface Row {
  ns: string;
  name: string;
  pad?: string;
}
const key = (r: Row): Key => [r.ns, r.name];
const rows = (n: number, pad = ''): Row[] =>
  Array.from({ length: n }, (_, i) => ({
    ns: `ns-${Math.floor(i / 10)}`,
    name: `p-${String(i).padStart(5, '0')}`,
    pad,
  }));

describe('takePage', () => {
  it('following continue visits every item exactly once, in order', () => {
    const all = rows(23);
    const seen: string[] = [];
    let after: Key | undefined;
    let pages = 0;
    for (;;) {
      const page = takePage(all, key, 5, after);
      seen.push(...page.items.map((r) => r.name));
      pages++;
      if (!page.continue) break;
      after = decodeCursor(page.continue, 't');
    }
    expect(seen).toEqual(all.map((r) => r.name));
    expect(pages).toBe(5);
  });

  it('a cursor past an item that disappeared resumes at the next key', () => {
    const all = rows(10);
    const page = takePage(all, key, 3);
    const without = all.filter((r) => r.name !== 'p-00002' && r.name !== 'p-00003');
    const next = takePage(without, key, 3, decodeCursor(page.continue!, 't'));
    expect(next.items.map((r) => r.name)).toEqual(['p-00004', 'p-00005', 'p-00006']);
  });

  it('cuts a page by bytes before limit, but never below one item', () => {
    const big = rows(100, 'x'.repeat(1000));
    const page = takePage(big, key, 50);
    expect(page.cutBySize).toBe(true);
    expect(JSON.stringify(page.items).length).toBeLessThanOrEqual(
      Math.max(50 * BYTES_PER_ITEM, MIN_PAGE_BYTES),
    );
    expect(page.continue).toBeDefined();
    const huge = rows(2, 'x'.repeat(20_000));
    expect(takePage(huge, key, 5).items).toHaveLength(1);
  });

  it('small limits are not cut by size', () => {
    const big = rows(10, 'x'.repeat(1000));
    expect(takePage(big, key, 5).items).toHaveLength(5);
  });

  it('the last page has no cursor', () => {
    expect(takePage(rows(5), key, 5).continue).toBeUndefined();
  });
});

describe('cursors', () => {
  it('round-trip', () => {
    expect(decodeCursor(encodeCursor(['a', 'b', 2]), 't')).toEqual(['a', 'b', 2]);
  });

  it.each([
    '',
    'garbage!',
    Buffer.from('{"x":1}').toString('base64url'),
    Buffer.from('[1]').toString('base64url'),
  ])('reject %j with a CallerError naming the tool', (text) => {
    expect(() => decodeCursor(text, 'get_pods')).toThrow(CallerError);
    expect(() => decodeCursor(text, 'get_pods')).toThrow(/continue: not a cursor from get_pods/);
  });

  it('compareKeys orders by code unit, element by element', () => {
    expect(compareKeys(['a', 'b'], ['a', 'c'])).toBeLessThan(0);
    expect(compareKeys(['b'], ['a', 'z'])).toBeGreaterThan(0);
    expect(compareKeys(['a', 1], ['a', 1])).toBe(0);
    expect(compareKeys(['Z'], ['a'])).toBeLessThan(0);
  });
});

describe('clip', () => {
  it.each([
    [undefined, undefined],
    ['   ', undefined],
    ['a\n  b', 'a b'],
    ['x'.repeat(10), 'x'.repeat(10)],
    ['x'.repeat(11), `${'x'.repeat(9)}…`],
  ])('%j → %j', (input, out) => {
    expect(clip(input, 10)).toBe(out);
  });
});

describe('showing', () => {
  it('names the positions of the page', () => {
    const all = rows(12);
    const first = takePage(all, key, 5);
    expect(showing(first, 12)).toBe('Showing 1-5 of 12');
    expect(showing(takePage(all, key, 5, decodeCursor(first.continue!, 't')), 12)).toBe('Showing 6-10 of 12');
    expect(showing(takePage([], key, 5), 0)).toBe('Showing 0 of 0');
  });
});
