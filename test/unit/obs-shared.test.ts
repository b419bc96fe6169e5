import { describe, expect, it } from 'vitest';
import { CallerError } from '../../src/mcp/errors.ts';
import {
  autoStep,
  checkResolution,
  clip,
  formatSeconds,
  MAX_POINTS_PER_SERIES,
  MAX_RETURNED_VALUES,
  parseStep,
  parseTime,
  projectRange,
  projectSamples,
  resolveWindow,
  sampleOf,
  seriesStats,
} from '../../src/tools/obs-shared.ts';

const NOW = Date.parse('2026-11-25T12:00:00Z');

describe('parseTime', () => {
  it.each<[string, number]>([
    ['2026-11-25T10:00:00Z', Date.parse('2026-11-25T10:00:00Z')],
    ['2026-11-25T10:00:00.250+01:00', Date.parse('2026-11-25T09:00:00.250Z')],
    ['1795600000', 1795600000_000],
    ['1795600000.5', 1795600000_500],
    ['now', NOW],
    ['2h', NOW - 7_200_000],
    ['7d', NOW - 7 * 86_400_000],
  ])('%s', (text, expected) => {
    expect(parseTime(text, 'start', NOW)).toBe(expected);
  });

  it.each(['yesterday', '2026-11-25', '2026-11-25T10:00:00', '12', ''])(
    'refuses %j, naming the parameter',
    (text) => {
      expect(() => parseTime(text, 'start', NOW)).toThrow(/start: .*RFC 3339/);
    },
  );
});

describe('parseStep', () => {
  it.each<[string, number]>([
    ['30s', 30],
    ['5m', 300],
    ['1h30m', 5400],
    ['15', 15],
    ['0.5', 0.5],
    ['250ms', 0.25],
  ])('%s = %d s', (text, expected) => {
    expect(parseStep(text)).toBe(expected);
  });

  it.each(['0', 'fast', '-5m'])('refuses %j', (text) => {
    expect(() => parseStep(text)).toThrow(CallerError);
  });
});

describe('resolveWindow', () => {
  it('defaults to the given since before now', () => {
    expect(resolveWindow({}, '1h', NOW)).toEqual({ start: NOW - 3_600_000, end: NOW });
  });
  it('measures since back from end', () => {
    const end = '2026-11-25T06:00:00Z';
    expect(resolveWindow({ since: '30m', end }, '1h', NOW)).toEqual({
      start: Date.parse(end) - 1_800_000,
      end: Date.parse(end),
    });
  });
  it('takes start and end', () => {
    expect(resolveWindow({ start: '2026-11-25T01:00:00Z', end: '2026-11-25T02:00:00Z' }, '1h', NOW)).toEqual({
      start: Date.parse('2026-11-25T01:00:00Z'),
      end: Date.parse('2026-11-25T02:00:00Z'),
    });
  });
  it('refuses since together with start', () => {
    expect(() => resolveWindow({ since: '1h', start: '2h' }, '1h', NOW)).toThrow(/not both/);
  });
  it('refuses start after end', () => {
    expect(() => resolveWindow({ start: '1h', end: '2h' }, '1h', NOW)).toThrow(/before end/);
  });
});

describe('autoStep and checkResolution', () => {
  it.each<[string, number]>([
    ['1h', 3600],
    ['24h', 86_400],
    ['7d', 604_800],
    ['30d', 2_592_000],
  ])('a %s range gets about 60 points', (_name, range) => {
    const points = checkResolution(range, autoStep(range));
    expect(points).toBeGreaterThanOrEqual(55);
    expect(points).toBeLessThanOrEqual(62);
  });

  it('never goes below a 1 s step', () => {
    expect(autoStep(10)).toBe(1);
  });

  it('accepts exactly the per-series limit', () => {
    expect(checkResolution(MAX_POINTS_PER_SERIES - 1, 1)).toBe(MAX_POINTS_PER_SERIES);
  });

  it('refuses more points than Prometheus allows, naming a step that fits', () => {
    expect(() => checkResolution(604_800, 15)).toThrow(/40321 points per series.*use step 55s or more/);
    expect(checkResolution(604_800, 55)).toBeLessThanOrEqual(MAX_POINTS_PER_SERIES);
  });
});

describe('sample values', () => {
  it.each<[string, number | string]>([
    ['1', 1],
    ['0.25', 0.25],
    ['-3e-7', -3e-7],
    ['NaN', 'NaN'],
    ['+Inf', '+Inf'],
    ['-Inf', '-Inf'],
  ])('%s', (raw, expected) => {
    expect(sampleOf(raw)).toBe(expected);
  });

  it('stats skip NaN and keep infinities explicit', () => {
    expect(seriesStats(['1', 'NaN', '3', '+Inf'])).toEqual({
      points: 4,
      min: 1,
      max: '+Inf',
      avg: '+Inf',
      last: '+Inf',
    });
    expect(seriesStats(['2', '4'])).toEqual({ points: 2, min: 2, max: 4, avg: 3, last: 4 });
    expect(seriesStats(['NaN'])).toEqual({ points: 1, last: 'NaN' });
  });
});

describe('projectRange', () => {
  const grid = { start: 1000, queryStep: 10, points: 6 };
  it('places samples on the grid with null for gaps', () => {
    const { items, step, thinned } = projectRange(
      [
        {
          labels: { job: 'a' },
          values: [
            [1000, '1'],
            [1020, '3'],
            [1050, 'NaN'],
          ],
        },
      ],
      grid,
    );
    expect(thinned).toBe(false);
    expect(step).toBe(10);
    expect(items[0]).toEqual({
      labels: { job: 'a' },
      values: [1, null, 3, null, null, 'NaN'],
      points: 3,
      min: 1,
      max: 3,
      avg: 2,
      last: 'NaN',
    });
  });

  it('thins long grids to a common stride but keeps full-resolution stats', () => {
    const points = 11_000;
    const series = Array.from({ length: 3 }, (_, k) => ({
      labels: { k: String(k) },
      values: Array.from({ length: points }, (_, i) => [i, String(i)] as [number, string]),
    }));
    const { items, step, thinned } = projectRange(series, { start: 0, queryStep: 1, points });
    expect(thinned).toBe(true);
    const returned = items.reduce((n, s) => n + (s.values?.length ?? 0), 0);
    expect(returned).toBeLessThanOrEqual(MAX_RETURNED_VALUES);
    expect(items[0]!.values![1]).toBe(step);
    expect(items[0]!.max).toBe(points - 1);
    expect(items[0]!.points).toBe(points);
  });
});

describe('projectSamples', () => {
  it('keeps the newest samples within budget', () => {
    const values = Array.from({ length: 5000 }, (_, i) => [i, String(i)] as [number, string]);
    const { items, thinned } = projectSamples([{ labels: {}, values }]);
    expect(thinned).toBe(true);
    expect(items[0]!.samples!.at(-1)).toEqual([4999, 4999]);
    expect(items[0]!.samples!.length).toBe(MAX_RETURNED_VALUES);
  });
});

describe('clip and formatSeconds', () => {
  it('marks cut text with what was cut', () => {
    expect(clip('abcdef', 4)).toBe('abcd… [+2 chars]');
    expect(clip('abc', 4)).toBe('abc');
  });
  it.each<[number, string]>([
    [90, '1m30s'],
    [604_800, '7d'],
    [3600, '1h'],
    [0, '0s'],
  ])('%d s = %s', (s, text) => {
    expect(formatSeconds(s)).toBe(text);
  });
});
