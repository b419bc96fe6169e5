import { describe, expect, it } from 'vitest';
import { type Chart, escapeXml, formatValue, renderChart, scaleFor } from '../../bench/lib/svg.ts';

const chart: Chart = {
  title: 'A <title> & more',
  subtitle: 'sub',
  series: [
    { label: 'ours', color: '#00f' },
    { label: 'peer', color: '#f00' },
  ],
  panels: [
    {
      title: 'latency',
      unit: 'ms',
      groups: ['all pods', 'nodes'],
      log: true,
      bars: [
        [{ value: 10 }, { value: 1000 }],
        [{ value: 2 }, { value: null }],
      ],
    },
    {
      title: 'memory',
      unit: 'MiB',
      groups: ['idle'],
      log: false,
      line: { value: 120, label: 'target' },
      bars: [[{ value: 90 }, { value: 60, tag: 'error' }]],
    },
  ],
};

/** Heights of the bars in drawing order. */
const heights = (svg: string) =>
  [...svg.matchAll(/<rect class="bar" x="[^"]+" y="[^"]+" width="[^"]+" height="([^"]+)"/g)].map((m) =>
    Number(m[1]),
  );

describe('renderChart', () => {
  const svg = renderChart(chart);

  it('is one svg element with a viewBox', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(svg).toMatch(/viewBox="0 0 \d+ \d+"/);
  });

  it('escapes text', () => {
    expect(svg).toContain('A &lt;title&gt; &amp; more');
    expect(svg).not.toContain('<title> &');
  });

  it('draws one bar per measured value and n/a for a missing one', () => {
    expect(heights(svg)).toHaveLength(5);
    expect(svg.match(/>n\/a</g)).toHaveLength(1);
  });

  it('draws bars in the order of their values on a log scale', () => {
    const [ours10, peer1000, ours2] = heights(svg);
    expect(peer1000).toBeGreaterThan(ours10!);
    expect(ours10).toBeGreaterThan(ours2!);
  });

  it('prints a tag instead of the value when there is one', () => {
    expect(svg).toContain('>error</text>');
  });

  it('draws the target line with its label', () => {
    expect(svg).toContain('class="target"');
    expect(svg).toContain('>target</text>');
  });

  it('names every series in the legend', () => {
    expect(svg).toContain('>ours</text>');
    expect(svg).toContain('>peer</text>');
  });
});

describe('scaleFor', () => {
  it('covers whole decades on a log scale', () => {
    const s = scaleFor([3, 4500], true);
    expect(s.min).toBe(1);
    expect(s.max).toBe(10_000);
    expect(s.ticks).toEqual([1, 10, 100, 1000, 10_000]);
    expect(s.at(1)).toBe(0);
    expect(s.at(10_000)).toBe(1);
  });

  it('starts at zero with round steps on a linear scale', () => {
    const s = scaleFor([90, 130], false);
    expect(s.min).toBe(0);
    expect(s.max).toBeGreaterThanOrEqual(130);
    expect(s.ticks[0]).toBe(0);
    expect(s.at(s.max / 2)).toBeCloseTo(0.5, 9);
  });
});

describe('formatting', () => {
  it.each([
    [0.42, '0.42'],
    [3.14, '3.1'],
    [37.5, '38'],
    [1234, '1.2k'],
    [45_678, '46k'],
  ])('formatValue(%d) = %s', (v, text) => {
    expect(formatValue(v)).toBe(text);
  });

  it('escapes the five XML characters', () => {
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });
});
