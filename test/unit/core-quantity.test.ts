import { describe, expect, it } from 'vitest';
import { cpuCores, memoryMiB, parseQuantity, percent } from '../../src/util/quantity.ts';

describe('parseQuantity', () => {
  it.each([
    ['250m', 0.25],
    ['4', 4],
    ['1.5', 1.5],
    ['1500000n', 0.0015],
    ['100u', 0.0001],
    ['1k', 1000],
    ['1M', 1e6],
    ['1G', 1e9],
    ['1Ki', 1024],
    ['1Mi', 1048576],
    ['1Gi', 1073741824],
    ['64501424Ki', 64501424 * 1024],
    ['129e6', 129e6],
    ['1E', 1e18],
    ['.5', 0.5],
    ['+2', 2],
  ])('%s is %d', (q, n) => {
    expect(parseQuantity(q)).toBeCloseTo(n, 12);
  });

  it.each([undefined, null, '', 'abc', '1Zi', '1 Gi', '1mi', 'Gi'])('%j is null', (q) => {
    expect(parseQuantity(q)).toBeNull();
  });

  it('cpuCores rounds to millicores and memoryMiB to whole MiB', () => {
    expect(cpuCores('1234567n')).toBe(0.001);
    expect(cpuCores('3900m')).toBe(3.9);
    expect(memoryMiB('16Gi')).toBe(16384);
    expect(memoryMiB('64501424Ki')).toBe(62990);
    expect(memoryMiB(undefined)).toBeNull();
  });

  it('percent is one decimal and null when the whole is unknown or zero', () => {
    expect(percent(1, 3)).toBe(33.3);
    expect(percent(1, 0)).toBeNull();
    expect(percent(null, 4)).toBeNull();
  });
});
