/**
 * Pure measurement helpers of the benchmark harness: percentiles, byte counting, tool-list sizes and the
 * completeness checks of an answer. No I/O here, so the unit tests can pin every rule.
 */

/** Summary of a latency sample, in the sample's unit (milliseconds in this harness). */
export interface Summary {
  n: number;
  min: number;
  p50: number;
  p95: number;
  max: number;
  mean: number;
}

/**
 * The p-th percentile (0..100) by linear interpolation between the closest ranks (the "type 7" rule of R and
 * numpy's default), so p50 of an even-sized sample is the mean of the two middle values.
 * @throws RangeError on an empty sample or p outside 0..100.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of an empty sample');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside 0..100`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const low = sorted[lo]!;
  return low + (sorted[hi]! - low) * (rank - lo);
}

/** n, min, p50, p95, max and mean of a sample, rounded to 0.1. */
export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { n: 0, min: 0, p50: 0, p95: 0, max: 0, mean: 0 };
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    n: values.length,
    min: r(Math.min(...values)),
    p50: r(percentile(values, 50)),
    p95: r(percentile(values, 95)),
    max: r(Math.max(...values)),
    mean: r(values.reduce((a, b) => a + b, 0) / values.length),
  };
}

/** Bytes of a string in UTF-8 (what goes over the wire and into a model's context). */
export function utf8Bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** Bytes of a value serialised as compact JSON. */
export function jsonBytes(value: unknown): number {
  return utf8Bytes(JSON.stringify(value) ?? '');
}

export interface ListedTool {
  name: string;
  description?: string;
  inputSchema?: unknown;
  outputSchema?: unknown;
  [key: string]: unknown;
}

export interface ToolListSizes {
  tools: number;
  /** The whole `tools/list` result (`{"tools":[...]}`) as compact JSON. */
  wholeBytes: number;
  wholePerTool: number;
  /** What a model is shown of each tool: name + description + input schema, as compact JSON. */
  visibleBytes: number;
  visiblePerTool: number;
  withOutputSchema: number;
  perTool: {
    name: string;
    visibleBytes: number;
    wholeBytes: number;
    /** The tool's description. */
    descriptionBytes: number;
    /** The input schema as compact JSON. */
    inputSchemaBytes: number;
    /** Every `description` string inside the input schema (the parameters' descriptions). */
    paramDescriptionBytes: number;
    /** The output schema as compact JSON (0 when there is none). */
    outputSchemaBytes: number;
  }[];
}

/** Bytes of every `description` string inside a JSON Schema, at any depth. */
export function schemaDescriptionBytes(schema: unknown): number {
  if (Array.isArray(schema)) return schema.reduce((n: number, v) => n + schemaDescriptionBytes(v), 0);
  if (schema === null || typeof schema !== 'object') return 0;
  let n = 0;
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'description' && typeof v === 'string') n += utf8Bytes(v);
    else n += schemaDescriptionBytes(v);
  }
  return n;
}

/** Sizes of a `tools/list` result, whole and model-visible, in total and per tool. */
export function toolListSizes(result: { tools: readonly ListedTool[] }): ToolListSizes {
  const perTool = result.tools.map((t) => ({
    name: t.name,
    visibleBytes: visiblePart(t),
    wholeBytes: jsonBytes(t),
    descriptionBytes: utf8Bytes(t.description ?? ''),
    inputSchemaBytes: jsonBytes(t.inputSchema ?? {}),
    paramDescriptionBytes: schemaDescriptionBytes(t.inputSchema),
    outputSchemaBytes: t.outputSchema === undefined ? 0 : jsonBytes(t.outputSchema),
  }));
  const n = result.tools.length;
  const visibleBytes = perTool.reduce((a, t) => a + t.visibleBytes, 0);
  const wholeBytes = jsonBytes({ tools: result.tools });
  return {
    tools: n,
    wholeBytes,
    wholePerTool: n ? Math.round(wholeBytes / n) : 0,
    visibleBytes,
    visiblePerTool: n ? Math.round(visibleBytes / n) : 0,
    withOutputSchema: result.tools.filter((t) => t.outputSchema !== undefined).length,
    perTool,
  };
}

/** Bytes of `{name, description, inputSchema}` of one tool as compact JSON. */
export function visiblePart(tool: ListedTool): number {
  return jsonBytes({
    name: tool.name,
    description: tool.description ?? '',
    inputSchema: tool.inputSchema ?? {},
  });
}

/** The set of name-like tokens in a text (DNS-1123 names, lower case), for name coverage checks. */
export function nameTokens(text: string): Set<string> {
  return new Set(text.toLowerCase().match(/[a-z0-9]([-a-z0-9.]*[a-z0-9])?/g) ?? []);
}

/** How many of the expected names appear as whole tokens of the answer. Format-agnostic (JSON, YAML, table). */
export function nameCoverage(text: string, expected: readonly string[]): number {
  const tokens = nameTokens(text);
  let found = 0;
  for (const name of new Set(expected)) if (tokens.has(name.toLowerCase())) found++;
  return found;
}

/**
 * Items in a list answer whatever its format: the longest array in a JSON object (or the array itself); else the
 * top-level entries of a YAML sequence; else the non-empty lines of a table minus its header.
 */
export function countListItems(text: string): number {
  const trimmed = text.trim();
  if (trimmed === '') return 0;
  try {
    const parsed = JSON.parse(trimmed) as unknown;
    const arr = longestArray(parsed, 3);
    if (arr !== undefined) return arr;
  } catch {
    // not JSON: YAML or a table
  }
  const lines = trimmed.split('\n');
  const yamlItems = lines.filter((l) => /^- /.test(l)).length;
  if (yamlItems > 0) return yamlItems;
  const rows = lines.filter((l) => l.trim() !== '');
  return Math.max(0, rows.length - 1);
}

function longestArray(value: unknown, depth: number): number | undefined {
  if (Array.isArray(value)) return value.length;
  if (depth === 0 || value === null || typeof value !== 'object') return undefined;
  let best: number | undefined;
  for (const v of Object.values(value)) {
    const n = longestArray(v, depth - 1);
    if (n !== undefined && (best === undefined || n > best)) best = n;
  }
  return best;
}

/** Whether an answer's text says it is incomplete (a truncation flag, "N more", a continue cursor). */
export function saysCut(text: string, structured?: Record<string, unknown>): boolean {
  if (structured && typeof structured.truncated === 'boolean') return structured.truncated;
  if (/"truncated"\s*:\s*(true|false)/.test(text)) return /"truncated"\s*:\s*true/.test(text);
  return /\btruncated\b|\bomitted\b|\b\d+ more\b|"continue"\s*:\s*"[^"]/i.test(text);
}

/** The total an answer states, when it states one (`total` in the structured result or the JSON text). */
export function statedTotal(text: string, structured?: Record<string, unknown>): number | undefined {
  if (structured && typeof structured.total === 'number') return structured.total;
  const m = /"total"\s*:\s*(\d+)/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Least-squares slope of y over x (units of y per unit of x); 0 for fewer than two points. */
export function slope(points: readonly { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, p) => a + p.x, 0) / n;
  const my = points.reduce((a, p) => a + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

/** /proc's KiB → MiB with one decimal (the unit of every "MB" in the issue and the report). */
export function kibToMib(kib: number): number {
  return Math.round((kib / 1024) * 10) / 10;
}
