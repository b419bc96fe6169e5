/**
 * The benchmark chart as a self-contained SVG written from the numbers (no plotting library): grouped bars,
 * one panel per measure, log scale where the servers differ by orders of magnitude.
 */

export interface Series {
  label: string;
  color: string;
}

export interface Bar {
  value: number | null;
  /** A short mark printed above the bar instead of its value (e.g. "error", "cut"). */
  tag?: string;
}

export interface Panel {
  title: string;
  unit: string;
  groups: readonly string[];
  /** bars[group][series]; null value = not measured (drawn as "n/a"). */
  bars: readonly (readonly Bar[])[];
  log: boolean;
  /** Optional horizontal line (a target), with its label. */
  line?: { value: number; label: string };
}

export interface Chart {
  title: string;
  subtitle: string;
  series: readonly Series[];
  panels: readonly Panel[];
}

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );
}

/** Compact number for labels: 1234 → "1.2k", 0.42 → "0.42", 37.5 → "38". */
export function formatValue(v: number): string {
  if (v === 0) return '0';
  if (v >= 10_000) return `${Math.round(v / 1000)}k`;
  if (v >= 1000) return `${(v / 1000).toFixed(1)}k`;
  if (v >= 10) return String(Math.round(v));
  if (v >= 1) return v.toFixed(1);
  return v.toFixed(2);
}

interface Scale {
  min: number;
  max: number;
  ticks: number[];
  /** value → 0..1 */
  at(v: number): number;
}

/** Log scale over whole decades or a linear scale from 0 over round steps, covering every value given. */
export function scaleFor(values: readonly number[], log: boolean): Scale {
  const positive = values.filter((v) => Number.isFinite(v) && v > 0);
  if (log) {
    const lo = positive.length ? Math.floor(Math.log10(Math.min(...positive))) : 0;
    let hi = positive.length ? Math.ceil(Math.log10(Math.max(...positive))) : 1;
    if (hi <= lo) hi = lo + 1;
    const ticks = Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
    return {
      min: 10 ** lo,
      max: 10 ** hi,
      ticks,
      at: (v) => (v <= 0 ? 0 : Math.min(1, Math.max(0, (Math.log10(v) - lo) / (hi - lo)))),
    };
  }
  const top = positive.length ? Math.max(...positive) : 1;
  const magnitude = 10 ** Math.floor(Math.log10(top));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => top / s <= 5) ?? magnitude * 10;
  const max = Math.ceil(top / step) * step;
  const ticks = Array.from({ length: Math.round(max / step) + 1 }, (_, i) => i * step);
  return { min: 0, max, ticks, at: (v) => Math.min(1, Math.max(0, v / max)) };
}

const W = 960;
const PANEL_H = 230;
const LEFT = 70;
const RIGHT = 20;
const TOP = 70;

function panelSvg(p: Panel, series: readonly Series[], y0: number): string {
  const plotTop = y0 + 28;
  const plotH = PANEL_H - 70;
  const plotW = W - LEFT - RIGHT;
  const values = p.bars.flat().flatMap((b) => (b.value === null ? [] : [b.value]));
  if (p.line) values.push(p.line.value);
  const s = scaleFor(values, p.log);
  const yOf = (v: number) => plotTop + plotH - s.at(v) * plotH;
  const out: string[] = [];
  out.push(
    `<text x="${LEFT}" y="${y0 + 16}" class="pt">${escapeXml(p.title)} <tspan class="unit">(${escapeXml(p.unit)}${p.log ? ', log scale' : ''})</tspan></text>`,
  );
  for (const t of s.ticks) {
    const y = yOf(t).toFixed(1);
    out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y}" y2="${y}" class="grid"/>`);
    out.push(
      `<text x="${LEFT - 6}" y="${y}" class="tick" text-anchor="end" dominant-baseline="middle">${formatValue(t)}</text>`,
    );
  }
  const groupW = plotW / Math.max(1, p.groups.length);
  const barW = Math.min(36, (groupW - 16) / Math.max(1, series.length));
  p.groups.forEach((g, gi) => {
    const gx = LEFT + gi * groupW + (groupW - barW * series.length) / 2;
    series.forEach((se, si) => {
      const bar = p.bars[gi]?.[si] ?? { value: null };
      const x = gx + si * barW;
      if (bar.value === null) {
        out.push(
          `<text x="${(x + barW / 2).toFixed(1)}" y="${plotTop + plotH - 4}" class="na" text-anchor="middle">n/a</text>`,
        );
        return;
      }
      const y = yOf(bar.value);
      const h = plotTop + plotH - y;
      out.push(
        `<rect class="bar" x="${(x + 1).toFixed(1)}" y="${y.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${Math.max(0.5, h).toFixed(1)}" fill="${se.color}"><title>${escapeXml(`${se.label} · ${g}: ${bar.value} ${p.unit}`)}</title></rect>`,
      );
      out.push(
        `<text x="${(x + barW / 2).toFixed(1)}" y="${(y - 4).toFixed(1)}" class="val" text-anchor="middle">${escapeXml(bar.tag ?? formatValue(bar.value))}</text>`,
      );
    });
    out.push(
      `<text x="${(LEFT + gi * groupW + groupW / 2).toFixed(1)}" y="${plotTop + plotH + 16}" class="grp" text-anchor="middle">${escapeXml(g)}</text>`,
    );
  });
  if (p.line) {
    const y = yOf(p.line.value).toFixed(1);
    out.push(`<line x1="${LEFT}" x2="${W - RIGHT}" y1="${y}" y2="${y}" class="target"/>`);
    out.push(
      `<text x="${W - RIGHT - 4}" y="${Number(y) - 4}" class="tlabel" text-anchor="end">${escapeXml(p.line.label)}</text>`,
    );
  }
  return out.join('\n');
}

/** The whole chart: title, legend, panels stacked vertically. */
export function renderChart(c: Chart): string {
  const height = TOP + c.panels.length * PANEL_H + 10;
  const legend = c.series
    .map((s, i) => {
      const x = LEFT + i * 230;
      return `<rect x="${x}" y="46" width="12" height="12" fill="${s.color}"/><text x="${x + 18}" y="56" class="leg">${escapeXml(s.label)}</text>`;
    })
    .join('\n');
  const panels = c.panels.map((p, i) => panelSvg(p, c.series, TOP + i * PANEL_H)).join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif">
<style>
.t{font-size:18px;font-weight:600;fill:#111}.st{font-size:12px;fill:#555}.pt{font-size:14px;font-weight:600;fill:#222}
.unit{font-weight:400;fill:#666}.tick{font-size:11px;fill:#666}.grp{font-size:12px;fill:#222}.val{font-size:10px;fill:#333}
.na{font-size:10px;fill:#999}.leg{font-size:12px;fill:#222}.grid{stroke:#e5e5e5;stroke-width:1}
.target{stroke:#c00;stroke-width:1.2;stroke-dasharray:5 4}.tlabel{font-size:11px;fill:#c00}
</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="${LEFT}" y="22" class="t">${escapeXml(c.title)}</text>
<text x="${LEFT}" y="38" class="st">${escapeXml(c.subtitle)}</text>
${legend}
${panels}
</svg>
`;
}
