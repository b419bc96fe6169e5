/**
 * Draws the panel layout of a Grafana dashboard JSON as an SVG for the README: panels where Grafana's 24-column
 * grid puts them, with their titles, units, thresholds, legends and queries. It shows no data and says so in
 * the picture: it is a rendering of the JSON, not a Grafana screenshot.
 */

interface Target {
  expr?: string;
  legendFormat?: string;
}

interface Panel {
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  fieldConfig?: {
    defaults?: { unit?: string; thresholds?: { steps?: { color: string; value: number | null }[] } };
  };
}

/** The parts of a dashboard the picture uses. */
export interface Dashboard {
  title: string;
  panels: Panel[];
  templating?: { list?: { name: string; label?: string }[] };
  time?: { from: string; to: string };
}

const COL = 50;
const ROW = 30;
const GAP = 6;
const PAD = 16;
const HEADER = 56;
const FOOTER = 40;
const COLORS = { bg: '#111217', panel: '#181b1f', border: '#2c3235', text: '#ccccdc', dim: '#8e8e9a' };
const THRESHOLD_COLORS: Record<string, string> = { green: '#73bf69', orange: '#ff9830', red: '#f2495c' };
const SERIES = ['#73bf69', '#f2cc0c', '#8ab8ff', '#ff780a', '#f2495c', '#5794f2', '#b877d9'];
const UNITS: Record<string, string> = {
  reqps: 'req/s',
  percentunit: '%',
  s: 'seconds',
  bytes: 'bytes',
  short: '',
};

const esc = (s: string): string =>
  s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** Cuts `s` to what fits in `width` px at `size` px (average glyph width `ratio` × size). */
function clip(s: string, width: number, size: number, ratio: number): string {
  const max = Math.floor(width / (size * ratio));
  return s.length <= max ? s : `${s.slice(0, Math.max(0, max - 1))}…`;
}

function text(x: number, y: number, s: string, size: number, color: string, extra = ''): string {
  return `<text x="${x}" y="${y}" font-size="${size}" fill="${color}"${extra}>${esc(s)}</text>`;
}

function statBody(p: Panel, x: number, y: number, w: number, h: number): string[] {
  const out: string[] = [];
  const unit = UNITS[p.fieldConfig?.defaults?.unit ?? ''] ?? p.fieldConfig?.defaults?.unit ?? '';
  out.push(text(x + w / 2, y + h / 2 + 6, '—', 28, COLORS.dim, ' text-anchor="middle"'));
  if (unit) out.push(text(x + w / 2, y + h / 2 + 24, unit, 11, COLORS.dim, ' text-anchor="middle"'));
  const steps = p.fieldConfig?.defaults?.thresholds?.steps ?? [];
  // The threshold steps as a colour bar: the colours the value takes (configured, not measured).
  steps.forEach((s, i) => {
    const sw = (w - 16) / steps.length;
    out.push(
      `<rect x="${x + 8 + i * sw}" y="${y + h - 10}" width="${sw - 2}" height="4" rx="1" fill="${THRESHOLD_COLORS[s.color] ?? s.color}"/>`,
    );
  });
  return out;
}

function timeseriesBody(p: Panel, x: number, y: number, w: number, h: number): string[] {
  const out: string[] = [];
  const legendW = Math.min(190, w * 0.38);
  const plotW = w - legendW - 20;
  const plotH = h - 34;
  for (let i = 0; i <= 4; i++) {
    const gy = y + 4 + (plotH * i) / 4;
    out.push(
      `<line x1="${x + 8}" y1="${gy}" x2="${x + 8 + plotW}" y2="${gy}" stroke="${COLORS.border}" stroke-dasharray="3 3"/>`,
    );
  }
  const unit = UNITS[p.fieldConfig?.defaults?.unit ?? ''] ?? p.fieldConfig?.defaults?.unit ?? '';
  if (unit) out.push(text(x + 10, y + 14, unit, 9, COLORS.dim));
  out.push(
    text(
      x + 8 + plotW / 2,
      y + 4 + plotH / 2 + 4,
      'no data: layout only',
      10,
      COLORS.dim,
      ' text-anchor="middle"',
    ),
  );
  (p.targets ?? []).forEach((t, i) => {
    const ly = y + 10 + i * 16;
    const lx = x + w - legendW;
    out.push(`<rect x="${lx}" y="${ly - 3}" width="10" height="3" fill="${SERIES[i % SERIES.length]}"/>`);
    out.push(text(lx + 14, ly + 1, clip(t.legendFormat ?? '', legendW - 18, 10, 0.58), 10, COLORS.text));
  });
  return out;
}

/** The SVG text of the dashboard's panel layout. */
export function renderDashboardSvg(d: Dashboard): string {
  const maxY = Math.max(...d.panels.map((p) => p.gridPos.y + p.gridPos.h));
  const width = PAD * 2 + 24 * COL;
  const height = HEADER + maxY * ROW + FOOTER;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Inter, Helvetica, Arial, sans-serif">`,
    `<rect width="${width}" height="${height}" fill="${COLORS.bg}"/>`,
    text(PAD, 26, `Dashboards › ${d.title}`, 16, COLORS.text, ' font-weight="600"'),
  );
  let vx = PAD;
  for (const v of d.templating?.list ?? []) {
    const label = v.label ?? v.name;
    const w = label.length * 7 + 40;
    out.push(
      `<rect x="${vx}" y="34" width="${w}" height="16" rx="2" fill="${COLORS.panel}" stroke="${COLORS.border}"/>`,
      text(vx + 6, 46, `${label}: All`, 10, COLORS.dim),
    );
    vx += w + 6;
  }
  if (d.time) {
    out.push(text(width - PAD, 46, `${d.time.from} → ${d.time.to}`, 10, COLORS.dim, ' text-anchor="end"'));
  }
  for (const p of d.panels) {
    const x = PAD + p.gridPos.x * COL;
    const y = HEADER + p.gridPos.y * ROW;
    const w = p.gridPos.w * COL - GAP;
    const h = p.gridPos.h * ROW - GAP;
    if (p.type === 'row') {
      out.push(text(x, y + 20, `⌄ ${p.title}`, 14, COLORS.text, ' font-weight="600"'));
      continue;
    }
    out.push(
      `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="3" fill="${COLORS.panel}" stroke="${COLORS.border}"/>`,
      text(x + 8, y + 17, clip(p.title, w - 16, 12, 0.56), 12, COLORS.text, ' font-weight="500"'),
    );
    const bodyY = y + 24;
    const bodyH = h - 24 - 14;
    out.push(
      ...(p.type === 'stat' ? statBody(p, x, bodyY, w, bodyH + 14) : timeseriesBody(p, x, bodyY, w, bodyH)),
    );
    const expr = (p.targets?.[0]?.expr ?? '').replace(/\s+/g, ' ');
    if (p.type !== 'stat')
      out.push(text(x + 8, y + h - 6, clip(expr, w - 16, 8, 0.6), 8, COLORS.dim, ' font-family="monospace"'));
  }
  out.push(
    text(
      PAD,
      height - 14,
      'Panel layout of dashboards/cluster-mcp.json, drawn from the JSON by sandbox/helm/dashboard-svg.ts. Not a Grafana screenshot: no data is shown.',
      11,
      COLORS.dim,
    ),
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}
