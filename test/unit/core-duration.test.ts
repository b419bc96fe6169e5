import { describe, expect, it } from 'vitest';
import { CallerError } from '../../src/mcp/errors.ts';
import { ageOf, formatAge, parseDuration } from '../../src/util/duration.ts';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['2w', 1_209_600_000],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    [' 10m ', 600_000],
    ['0s', 0],
  ])('reads %s', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '15', 'm', '15x', '1h 30m', '-5m', '15 m', 'h1', '1e3s', '1m1'])(
    'rejects %j with a CallerError naming the parameter and the format',
    (text) => {
      expect(() => parseDuration(text, 'since')).toThrow(CallerError);
      expect(() => parseDuration(text, 'since')).toThrow(
        /^since: .* is not a duration; use a number and a unit/,
      );
    },
  );
});

describe('formatAge', () => {
  it.each([
    [0, '0s'],
    [-5000, '0s'],
    [59_000, '59s'],
    [60_000, '1m'],
    [3_599_000, '59m'],
    [3_600_000, '1h'],
    [5_400_000, '1h30m'],
    [86_400_000, '1d'],
    [93_600_000, '1d2h'],
    [10 * 86_400_000 + 3_600_000, '10d'],
  ])('%d ms reads %s', (ms, text) => {
    expect(formatAge(ms)).toBe(text);
  });

  it('ageOf is undefined for a missing or unparsable timestamp', () => {
    expect(ageOf(undefined, 0)).toBeUndefined();
    expect(ageOf('not a time', 0)).toBeUndefined();
    expect(ageOf('2024-01-01T00:00:00Z', Date.parse('2024-01-01T00:05:00Z'))).toBe('5m');
  });
});
