import { describe, expect, it } from 'vitest';
import {
  countListItems,
  jsonBytes,
  nameCoverage,
  percentile,
  saysCut,
  schemaDescriptionBytes,
  slope,
  statedTotal,
  summarize,
  toolListSizes,
  utf8Bytes,
  visiblePart,
} from '../../bench/lib/stats.ts';

describe('percentile', () => {
  it.each([
    [[5], 50, 5],
    [[5], 95, 5],
    [[1, 2, 3, 4], 50, 2.5],
    [[4, 1, 3, 2], 50, 2.5],
    [[1, 2, 3, 4, 5], 0, 1],
    [[1, 2, 3, 4, 5], 100, 5],
    [[10, 20], 95, 19.5],
    [Array.from({ length: 20 }, (_, i) => i + 1), 95, 19.05],
  ])('percentile(%j, %d) = %d', (values, p, expected) => {
    expect(percentile(values, p)).toBeCloseTo(expected, 9);
  });

  it('rejects an empty sample', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
  });

  it('rejects a percentile outside 0..100', () => {
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('leaves the input unsorted', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });
});

describe('summarize', () => {
  it('gives n, min, p50, p95, max and mean rounded to 0.1', () => {
    expect(summarize([1, 2, 3, 4])).toEqual({ n: 4, min: 1, p50: 2.5, p95: 3.9, max: 4, mean: 2.5 });
  });

  it('gives zeros for an empty sample', () => {
    expect(summarize([]).n).toBe(0);
  });
});

describe('byte counting', () => {
  it.each([
    ['', 0],
    ['abc', 3],
    ['é', 2],
    ['→', 3],
    ['😀', 4],
  ])('utf8Bytes(%j) = %d', (text, bytes) => {
    expect(utf8Bytes(text)).toBe(bytes);
  });

  it('counts compact JSON', () => {
    expect(jsonBytes({ a: [1, 2] })).toBe('{"a":[1,2]}'.length);
  });

  it('counts the model-visible part as name, description and input schema only', () => {
    const tool = {
      name: 't',
      description: 'd',
      inputSchema: { type: 'object' },
      outputSchema: { type: 'object', properties: { x: { type: 'string' } } },
      annotations: { readOnlyHint: true },
    };
    expect(visiblePart(tool)).toBe('{"name":"t","description":"d","inputSchema":{"type":"object"}}'.length);
  });

  it('adds up the descriptions inside a schema at any depth', () => {
    const schema = {
      type: 'object',
      properties: { a: { type: 'string', description: 'abc' }, b: { anyOf: [{ description: 'de' }] } },
    };
    expect(schemaDescriptionBytes(schema)).toBe(5);
  });

  it('sizes a tool list whole and per tool', () => {
    const tools = [
      { name: 'a', description: 'x', inputSchema: {} },
      { name: 'b', description: 'yy', inputSchema: {}, outputSchema: {} },
    ];
    const s = toolListSizes({ tools });
    expect(s.tools).toBe(2);
    expect(s.wholeBytes).toBe(JSON.stringify({ tools }).length);
    expect(s.visibleBytes).toBe(s.perTool[0]!.visibleBytes + s.perTool[1]!.visibleBytes);
    expect(s.visiblePerTool).toBe(Math.round(s.visibleBytes / 2));
    expect(s.withOutputSchema).toBe(1);
  });
});

describe('answer checks', () => {
  it.each([
    ['a JSON object with one list', '{"total":3,"items":[1,2,3]}', 3],
    ['the longest of several lists', '{"a":[1],"items":[1,2]}', 2],
    ['a JSON array', '[1,2,3,4]', 4],
    ['a YAML sequence', '- a: 1\n  b: 2\n- a: 3\n', 2],
    ['a table with a header', 'NAME  READY\npod-a 1/1\npod-b 0/1\n', 2],
    ['an empty answer', '  ', 0],
  ])('counts the items of %s', (_what, text, n) => {
    expect(countListItems(text)).toBe(n);
  });

  it('finds names as whole tokens whatever the format', () => {
    const text = 'NAMESPACE NAME\nshop web-1\nshop web-10\n';
    expect(nameCoverage(text, ['web-1', 'web-10', 'web-2'])).toBe(2);
  });

  it('does not take a prefix of a longer name for the name', () => {
    expect(nameCoverage('web-10', ['web-1'])).toBe(0);
  });

  it.each([
    ['a structured truncated flag', '{}', { truncated: true }, true],
    ['a JSON truncated flag', '{"truncated":true}', undefined, true],
    ['"N more"', 'showing 50, 120 more', undefined, true],
    ['a continue cursor', '{"continue":"abc"}', undefined, true],
    ['a complete answer', '{"truncated":false,"items":[]}', { truncated: false }, false],
    ['a plain table', 'NAME READY\na 1/1', undefined, false],
  ])('says cut for %s', (_what, text, structured, cut) => {
    expect(saysCut(text, structured as Record<string, unknown> | undefined)).toBe(cut);
  });

  it('reads a stated total from structured content first, then from the text', () => {
    expect(statedTotal('{"total":5}', { total: 7 })).toBe(7);
    expect(statedTotal('{"total":5}')).toBe(5);
    expect(statedTotal('no total here')).toBeUndefined();
  });
});

describe('slope', () => {
  it('is the least-squares slope', () => {
    expect(
      slope([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 5 },
      ]),
    ).toBeCloseTo(2, 9);
  });

  it('is 0 for a flat or single-point series', () => {
    expect(slope([{ x: 1, y: 5 }])).toBe(0);
    expect(
      slope([
        { x: 0, y: 5 },
        { x: 1, y: 5 },
      ]),
    ).toBe(0);
  });
});
