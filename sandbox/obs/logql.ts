/**
 * LogQL subset for the Loki STAND-IN (sandbox/obs/loki-standin.ts) — not Grafana Loki.
 *
 * Supported: stream selectors with =, !=, =~, !~ (regexes fully anchored, like Prometheus/Loki); chained line
 * filters |=, !=, |~, !~ (with `or` alternatives); string literals in double quotes (Go escapes) or backticks;
 * metric queries count_over_time, rate, bytes_over_time, bytes_rate over a [range], optionally wrapped in
 * sum/count/min/max/avg with `by (...)` / `without (...)`.
 *
 * The lexer mirrors Loki's (pkg/logql/syntax/lex.go on top of Go's text/scanner), so error positions and token
 * names match upstream: `parse error at line L, col C: syntax error: unexpected IDENTIFIER`. Where Loki's yacc
 * parser lists the expected tokens (at most four), the messages below list the same ones for the states this
 * subset covers. Valid LogQL outside the subset (parsers, label filters, line_format, binary operators, unwrap…)
 * raises NotImplementedError, which the stand-in answers with HTTP 501, never with a misleading 400.
 */

export class ParseError extends Error {
  readonly line: number;
  readonly col: number;
  readonly detail: string;
  constructor(detail: string, line: number, col: number) {
    super(
      line === 0 && col === 0
        ? `parse error : ${detail}`
        : `parse error at line ${line}, col ${col}: ${detail}`,
    );
    this.detail = detail;
    this.line = line;
    this.col = col;
  }
}

export class NotImplementedError extends Error {}

// ---------------------------------------------------------------------------------------------------------------
// Lexer
// ---------------------------------------------------------------------------------------------------------------

/** Loki's `tokens` map: these tokens are named by their text in yacc's error messages. */
const TOKENS = new Set([
  ',',
  '.',
  '{',
  '}',
  '=',
  '!=',
  '=~',
  '!~',
  '!>',
  '|=',
  '|~',
  '|>',
  '|',
  'unwrap',
  '(',
  ')',
  'by',
  'without',
  'bool',
  '[',
  ']',
  'label_replace',
  'offset',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'or',
  'and',
  'unless',
  '+',
  '-',
  '*',
  '/',
  '%',
  '^',
  '==',
  '>',
  '>=',
  '<',
  '<=',
  'json',
  'regexp',
  'logfmt',
  'unpack',
  'pattern',
  'label_format',
  'line_format',
  'ip',
  'decolorize',
  'drop',
  'keep',
  'variants',
  'of',
]);

/** Loki's `functionTokens`: keywords only when followed by `(` or `by`/`without`; named by their yacc symbol. */
const FUNCTION_TOKENS: Record<string, string> = {
  rate: 'RATE',
  rate_counter: 'RATE_COUNTER',
  count_over_time: 'COUNT_OVER_TIME',
  bytes_rate: 'BYTES_RATE',
  bytes_over_time: 'BYTES_OVER_TIME',
  avg_over_time: 'AVG_OVER_TIME',
  sum_over_time: 'SUM_OVER_TIME',
  min_over_time: 'MIN_OVER_TIME',
  max_over_time: 'MAX_OVER_TIME',
  stdvar_over_time: 'STDVAR_OVER_TIME',
  stddev_over_time: 'STDDEV_OVER_TIME',
  quantile_over_time: 'QUANTILE_OVER_TIME',
  first_over_time: 'FIRST_OVER_TIME',
  last_over_time: 'LAST_OVER_TIME',
  absent_over_time: 'ABSENT_OVER_TIME',
  vector: 'VECTOR',
  sum: 'SUM',
  avg: 'AVG',
  max: 'MAX',
  min: 'MIN',
  count: 'COUNT',
  stddev: 'STDDEV',
  stdvar: 'STDVAR',
  bottomk: 'BOTTOMK',
  topk: 'TOPK',
  sort: 'SORT',
  sort_desc: 'SORT_DESC',
  label_replace: 'LABEL_REPLACE',
  approx_topk: 'APPROX_TOPK',
  bytes: 'BYTES_CONV',
  duration: 'DURATION_CONV',
  duration_seconds: 'DURATION_SECONDS_CONV',
  ip: 'IP',
};

type TokKind = 'IDENTIFIER' | 'STRING' | 'NUMBER' | 'DURATION' | 'RANGE' | 'BYTES' | 'FUNC' | 'OP' | 'EOF';

interface Token {
  kind: TokKind;
  /** Operator/keyword text (lower case) or function name. */
  text: string;
  /** String value, number text, or duration in milliseconds. */
  str?: string;
  ms?: number;
  /** Name in yacc error messages. */
  yaccName: string;
  line: number;
  col: number;
}

const DURATION_UNITS: Record<string, number> = {
  y: 365 * 86400e3,
  w: 7 * 86400e3,
  d: 86400e3,
  h: 3600e3,
  m: 60e3,
  s: 1e3,
  ms: 1,
};
const GO_DURATION_UNITS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1e3,
  m: 60e3,
  h: 3600e3,
};

/** Prometheus model.ParseDuration (units y w d h m s ms, largest first, no fractions); milliseconds. */
export function parsePromDuration(s: string): number | undefined {
  if (s === '0') return 0;
  const re = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;
  const m = re.exec(s);
  if (!m || s === '') return undefined;
  const units = [
    DURATION_UNITS.y,
    DURATION_UNITS.w,
    DURATION_UNITS.d,
    DURATION_UNITS.h,
    DURATION_UNITS.m,
    DURATION_UNITS.s,
    1,
  ];
  let total = 0;
  for (let i = 1; i <= 7; i++) if (m[i]) total += Number(m[i]) * (units[i - 1] as number);
  return total;
}

/** Go time.ParseDuration (with fractions, ns…h); milliseconds. */
export function parseGoDuration(s: string): number | undefined {
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(s);
  if (!m) return s === '0' ? 0 : undefined;
  let total = 0;
  for (const part of s.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (GO_DURATION_UNITS[part[2] as string] as number);
  }
  return m[1] === '-' ? -total : total;
}

/** Loki's parseDuration: Prometheus syntax first, then Go's. */
function parseLokiDuration(s: string): number | undefined {
  return parsePromDuration(s) ?? parseGoDuration(s);
}

/** The error Prometheus' model.ParseDuration gives for a bad range. */
function durationError(s: string): string {
  const m = /^\d+([a-zA-Zµ]+)$/.exec(s);
  if (m?.[1] && !(m[1] in DURATION_UNITS)) return `unknown unit "${m[1]}" in duration "${s}"`;
  return `not a valid duration string: "${s}"`;
}

const isSpace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';
const isLetter = (ch: string): boolean => /\p{L}/u.test(ch) || ch === '_';
const isDigit = (ch: string): boolean => /\p{Nd}/u.test(ch);

/** A cursor over the code points of the input that tracks line/column like Go's text/scanner. */
class Scanner {
  readonly src: string[];
  pos = 0;
  line = 1;
  col = 1;
  constructor(input: string) {
    this.src = Array.from(input);
  }
  peek(k = 0): string {
    return this.src[this.pos + k] ?? '';
  }
  next(): string {
    const ch = this.src[this.pos++] ?? '';
    if (ch === '\n') {
      this.line++;
      this.col = 1;
    } else if (ch !== '') this.col++;
    return ch;
  }
}

export class Lexer {
  private readonly sc: Scanner;
  constructor(input: string) {
    this.sc = new Scanner(input);
  }

  private fail(msg: string, line: number, col: number): never {
    throw new ParseError(msg, line, col);
  }

  next(): Token {
    const sc = this.sc;
    for (;;) {
      while (isSpace(sc.peek())) sc.next();
      if (sc.peek() === '#') {
        while (sc.peek() !== '' && sc.peek() !== '\n') sc.next();
        continue;
      }
      break;
    }
    const line = sc.line;
    const col = sc.col;
    const ch = sc.peek();
    const tok = (kind: TokKind, text: string, yaccName: string, extra: Partial<Token> = {}): Token => ({
      kind,
      text,
      yaccName,
      line,
      col,
      ...extra,
    });
    if (ch === '') {
      // text/scanner reports EOF at the column after the last character; an empty input has no position at all.
      const empty = sc.src.length === 0;
      return tok('EOF', '', '$end', { line: empty ? 0 : line, col: empty ? 0 : col });
    }
    if (ch === '"' || ch === '`') return tok('STRING', '', 'STRING', { str: this.scanString(line, col) });
    if (isDigit(ch) || (ch === '.' && isDigit(sc.peek(1)))) {
      const rest = sc.src.slice(sc.pos, sc.pos + 64).join('');
      const text = (/^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/.exec(rest) as RegExpExecArray)[0];
      for (let k = 0; k < text.length; k++) sc.next();
      // tryScanDuration / tryScanBytes: the number plus the following unit runes, up to a space.
      let suffix = '';
      for (let k = 0; ; k++) {
        const r = sc.peek(k);
        if (r === '' || isSpace(r) || !(isDigit(r) || /[numµshdwy.]/.test(r))) break;
        suffix += r;
      }
      if (suffix !== '') {
        const ms = parseLokiDuration(text + suffix);
        if (ms !== undefined) {
          for (let k = 0; k < Array.from(suffix).length; k++) sc.next();
          return tok('DURATION', text + suffix, 'DURATION', { ms });
        }
      }
      return tok('NUMBER', text, 'NUMBER', { str: text });
    }
    if (ch === '[') {
      sc.next();
      let body = '';
      while (sc.peek() !== '' && sc.peek() !== ']') body += sc.next();
      // Loki scans the range with Next(), which invalidates the token line: errors and the token report line 0.
      if (sc.peek() !== ']') this.fail("missing closing ']' in duration", 0, col);
      sc.next();
      const ms = parsePromDuration(body);
      if (ms === undefined) this.fail(durationError(body), 0, col);
      return tok('RANGE', `[${body}]`, 'RANGE', { ms, line: 0 });
    }
    if (isLetter(ch)) {
      let text = '';
      while (isLetter(sc.peek()) || isDigit(sc.peek())) text += sc.next();
      const lower = text.toLowerCase();
      const fn = FUNCTION_TOKENS[lower];
      if (fn) {
        if (this.isFunction()) return tok('FUNC', lower, TOKENS.has(lower) ? lower : fn);
        return tok('IDENTIFIER', text, 'IDENTIFIER', { str: text });
      }
      if (TOKENS.has(lower)) return tok('OP', lower, lower);
      return tok('IDENTIFIER', text, 'IDENTIFIER', { str: text });
    }
    // Punctuation: two-character operators first (Loki consumes the second rune with Next(): line 0).
    sc.next();
    const two = ch + sc.peek();
    if (two.length === 2 && TOKENS.has(two)) {
      sc.next();
      return tok('OP', two, two, { line: 0 });
    }
    if (TOKENS.has(ch)) return tok('OP', ch, ch);
    // Anything else is an identifier to Loki's lexer (its text becomes the token).
    return tok('IDENTIFIER', ch, 'IDENTIFIER', { str: ch });
  }

  /** Loki's isFunction: the next non-space is `(`, or `by`/`without` followed by `(`. */
  private isFunction(): boolean {
    let k = 0;
    const sc = this.sc;
    while (isSpace(sc.peek(k))) k++;
    if (sc.peek(k) === '(') return true;
    for (const kw of ['by', 'without']) {
      const word = Array.from(kw)
        .map((_, i) => sc.peek(k + i))
        .join('')
        .toLowerCase();
      if (word === kw) {
        let j = k + kw.length;
        while (isSpace(sc.peek(j))) j++;
        return sc.peek(j) === '(';
      }
    }
    return false;
  }

  /** A Go string literal: "…" with escapes, or a raw `…` string (text/scanner's messages on errors). */
  private scanString(line: number, col: number): string {
    const sc = this.sc;
    const quote = sc.next();
    let out = '';
    if (quote === '`') {
      while (sc.peek() !== '`') {
        if (sc.peek() === '') this.fail('literal not terminated', line, col);
        out += sc.next();
      }
      sc.next();
      return out;
    }
    for (;;) {
      const c = sc.next();
      if (c === '' || c === '\n') this.fail('literal not terminated', line, col);
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = sc.next();
      const simple: Record<string, string> = {
        a: '\x07',
        b: '\b',
        f: '\f',
        n: '\n',
        r: '\r',
        t: '\t',
        v: '\v',
        '\\': '\\',
        '"': '"',
      };
      if (e in simple) {
        out += simple[e];
        continue;
      }
      const hexLen = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      if (hexLen) {
        let h = '';
        for (let i = 0; i < hexLen; i++) h += sc.next();
        if (!/^[0-9a-fA-F]+$/.test(h) || h.length !== hexLen) this.fail('invalid char escape', line, col);
        out +=
          e === 'x'
            ? String.fromCharCode(Number.parseInt(h, 16))
            : String.fromCodePoint(Number.parseInt(h, 16));
        continue;
      }
      if (/[0-7]/.test(e)) {
        const o = e + sc.next() + sc.next();
        if (!/^[0-7]{3}$/.test(o)) this.fail('invalid char escape', line, col);
        out += String.fromCharCode(Number.parseInt(o, 8));
        continue;
      }
      this.fail('invalid char escape', line, col);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// AST
// ---------------------------------------------------------------------------------------------------------------

export interface Matcher {
  name: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
  re?: RegExp;
}

export interface LineFilter {
  op: '|=' | '!=' | '|~' | '!~';
  values: string[];
  res?: RegExp[];
}

export interface LogQuery {
  kind: 'log';
  matchers: Matcher[];
  filters: LineFilter[];
}

export interface RangeAgg {
  kind: 'range';
  op: 'count_over_time' | 'rate' | 'bytes_over_time' | 'bytes_rate';
  rangeMs: number;
  log: LogQuery;
}

export interface VectorAgg {
  kind: 'vector';
  op: 'sum' | 'count' | 'min' | 'max' | 'avg';
  grouping?: { without: boolean; labels: string[] };
  inner: MetricQuery;
}

export type MetricQuery = RangeAgg | VectorAgg;
export type Query = LogQuery | MetricQuery;

const SUPPORTED_RANGE_OPS = new Set(['count_over_time', 'rate', 'bytes_over_time', 'bytes_rate']);
const SUPPORTED_VECTOR_OPS = new Set(['sum', 'count', 'min', 'max', 'avg']);
const ERR_EMPTY_MATCHERS =
  'queries require at least one regexp or equality matcher that does not have an empty-compatible value. For instance, app=~".*" does not meet this requirement, but app=~".+" will';
export const MAX_INPUT_SIZE = 131072;

/** Go RE2 syntax to a JavaScript RegExp (the differences that matter for matchers and filters). */
export function goRegexp(source: string, anchored: boolean): RegExp {
  let flags = anchored ? 's' : '';
  let src = source;
  const inline = /^\(\?([imsU]+)\)/.exec(src);
  if (inline?.[1]) {
    for (const f of inline[1]) if (f === 'i' || f === 's' || f === 'm') flags += flags.includes(f) ? '' : f;
    src = src.slice(inline[0].length);
  }
  src = src.replace(/\(\?P</g, '(?<').replace(/\\z/g, '$');
  try {
    return new RegExp(anchored ? `^(?:${src})$` : src, flags);
  } catch (e) {
    // Go's wording for the common mistakes; JavaScript's otherwise.
    const js = (e as Error).message.split(': ').pop() ?? '';
    const go: Record<string, string> = {
      'Unterminated group': 'missing closing )',
      "Unmatched ')'": 'unexpected )',
      'Unterminated character class': 'missing closing ]',
      'Nothing to repeat': 'missing argument to repetition operator',
      '\\ at end of pattern': 'trailing backslash at end of expression',
    };
    throw new ParseError(`error parsing regexp: ${go[js] ?? js.toLowerCase()}: \`${source}\``, 0, 0);
  }
}

export class Parser {
  private readonly lex: Lexer;
  private tok: Token;

  constructor(input: string) {
    this.lex = new Lexer(input);
    this.tok = this.lex.next();
  }

  private advance(): Token {
    const t = this.tok;
    this.tok = this.lex.next();
    return t;
  }

  private unexpected(expecting?: string[]): never {
    const t = this.tok;
    let msg = `syntax error: unexpected ${t.yaccName}`;
    if (expecting && expecting.length > 0 && expecting.length <= 4)
      msg += `, expecting ${expecting.join(' or ')}`;
    throw new ParseError(msg, t.line, t.col);
  }

  /** The current token's kind (a method, so TypeScript does not keep a narrowing across advance()). */
  private kind(): TokKind {
    return this.tok.kind;
  }

  private isOp(text: string): boolean {
    return this.kind() === 'OP' && this.tok.text === text;
  }

  private expectOp(text: string, expecting?: string[]): void {
    if (!this.isOp(text)) this.unexpected(expecting ?? [text]);
    this.advance();
  }

  parse(): Query {
    const q = this.expr();
    if (this.kind() !== 'EOF') this.unsupportedOrUnexpected();
    return q;
  }

  /** After a complete expression: valid LogQL we do not implement is 501; anything else a syntax error. */
  private unsupportedOrUnexpected(): never {
    const t = this.tok;
    if (
      t.kind === 'OP' &&
      [
        'or',
        'and',
        'unless',
        '+',
        '-',
        '*',
        '/',
        '%',
        '^',
        '==',
        '!=',
        '>',
        '>=',
        '<',
        '<=',
        'offset',
      ].includes(t.text)
    ) {
      throw new NotImplementedError(`binary operators and offset ('${t.text}')`);
    }
    this.unexpected();
  }

  private expr(): Query {
    const t = this.tok;
    if (this.isOp('{')) return this.logExpr();
    if (this.isOp('(')) {
      this.advance();
      const inner = this.expr();
      this.expectOp(')');
      return inner;
    }
    if (t.kind === 'FUNC') {
      if (SUPPORTED_RANGE_OPS.has(t.text)) return this.rangeAgg();
      if (SUPPORTED_VECTOR_OPS.has(t.text)) return this.vectorAgg();
      throw new NotImplementedError(`function ${t.text}()`);
    }
    if (t.kind === 'NUMBER' || t.kind === 'DURATION') throw new NotImplementedError('literal expressions');
    if (t.kind === 'OP' && t.text === 'variants') throw new NotImplementedError('variants()');
    this.unexpected();
  }

  private selector(): Matcher[] {
    this.expectOp('{', ['{']);
    const matchers: Matcher[] = [];
    if (this.isOp('}')) {
      this.advance();
      return matchers;
    }
    if (this.kind() !== 'IDENTIFIER') this.unexpected(['IDENTIFIER', '}']);
    for (;;) {
      matchers.push(this.matcher());
      if (this.isOp('}')) {
        this.advance();
        return matchers;
      }
      if (this.isOp(',')) {
        this.advance();
        if (this.kind() !== 'IDENTIFIER') this.unexpected(['IDENTIFIER']);
        continue;
      }
      this.unexpected(['}', ',']);
    }
  }

  private matcher(): Matcher {
    const name = this.advance().str as string;
    const op = this.tok.text;
    if (this.kind() !== 'OP' || !['=', '!=', '=~', '!~'].includes(op))
      this.unexpected(['=', '=~', '!~', '!=']);
    this.advance();
    if (this.kind() !== 'STRING') this.unexpected(['STRING']);
    const value = this.advance().str as string;
    const m: Matcher = { name, op: op as Matcher['op'], value };
    if (m.op === '=~' || m.op === '!~') m.re = goRegexp(value, true);
    return m;
  }

  /** Line filters (and, for valid LogQL we do not implement, a 501). Stops at anything else. */
  private pipeline(): LineFilter[] {
    const filters: LineFilter[] = [];
    for (;;) {
      const t = this.tok;
      if (t.kind !== 'OP') return filters;
      if (t.text === '|>' || t.text === '!>')
        throw new NotImplementedError(`pattern line filters ('${t.text}')`);
      if (t.text === '|') {
        this.advance();
        if (this.kind() === 'EOF') this.unexpected();
        throw new NotImplementedError(`pipeline stage '| ${this.tok.text || this.tok.str || ''}'`);
      }
      if (!['|=', '!=', '|~', '!~'].includes(t.text)) return filters;
      this.advance();
      if (this.isOp('ip') || (this.kind() === 'FUNC' && this.tok.text === 'ip'))
        throw new NotImplementedError('ip() line filters');
      if (this.kind() !== 'STRING') this.unexpected(['STRING', 'ip']);
      const values = [this.advance().str as string];
      while (this.isOp('or')) {
        this.advance();
        if (this.kind() !== 'STRING') this.unexpected(['STRING', 'ip']);
        values.push(this.advance().str as string);
      }
      const f: LineFilter = { op: t.text as LineFilter['op'], values };
      if (f.op === '|~' || f.op === '!~') f.res = values.map((v) => goRegexp(v, false));
      filters.push(f);
    }
  }

  private logExpr(): LogQuery {
    const matchers = this.selector();
    const filters = this.pipeline();
    return { kind: 'log', matchers, filters };
  }

  private rangeAgg(): RangeAgg {
    const op = this.advance().text as RangeAgg['op'];
    this.expectOp('(', ['(']);
    if (!this.isOp('{')) {
      if (this.isOp('(')) throw new NotImplementedError('parenthesised log ranges');
      this.unexpected(['NUMBER', '{', '(']);
    }
    const matchers = this.selector();
    let filters = this.pipeline();
    if (this.kind() !== 'RANGE') this.unexpected();
    const rangeMs = this.advance().ms as number;
    if (this.isOp('offset')) throw new NotImplementedError('offset');
    filters = filters.concat(this.pipeline());
    this.expectOp(')', [')']);
    if (this.isOp('by') || this.isOp('without')) throw new NotImplementedError(`grouping on ${op}`);
    return { kind: 'range', op, rangeMs, log: { kind: 'log', matchers, filters } };
  }

  private grouping(): { without: boolean; labels: string[] } {
    const without = this.advance().text === 'without';
    this.expectOp('(', ['(']);
    const labels: string[] = [];
    if (this.isOp(')')) {
      this.advance();
      return { without, labels };
    }
    for (;;) {
      if (this.kind() !== 'IDENTIFIER') this.unexpected();
      labels.push(this.advance().str as string);
      if (this.isOp(')')) {
        this.advance();
        return { without, labels };
      }
      this.expectOp(',', [',', ')']);
    }
  }

  private vectorAgg(): VectorAgg {
    const op = this.advance().text as VectorAgg['op'];
    let grouping: VectorAgg['grouping'];
    if (this.isOp('by') || this.isOp('without')) grouping = this.grouping();
    this.expectOp('(', ['(']);
    if (this.kind() === 'NUMBER') throw new NotImplementedError(`${op} with a parameter`);
    const inner = this.metricExpr();
    this.expectOp(')', [')']);
    if (!grouping && (this.isOp('by') || this.isOp('without'))) grouping = this.grouping();
    return { kind: 'vector', op, inner, ...(grouping ? { grouping } : {}) };
  }

  private metricExpr(): MetricQuery {
    if (this.isOp('{')) {
      // A log selector where a metric is needed: yacc fails at the token after it (usually the closing paren).
      this.logExpr();
      this.unexpected();
    }
    const q = this.expr();
    if (q.kind === 'log') this.unexpected();
    return q;
  }
}

function collectSelectors(q: Query, out: Matcher[][]): void {
  if (q.kind === 'log') out.push(q.matchers);
  else if (q.kind === 'range') out.push(q.log.matchers);
  else collectSelectors(q.inner, out);
}

/** An equality/regexp matcher that cannot match the empty value (Loki's validateMatchers). */
function selective(m: Matcher): boolean {
  if (m.op === '=') return m.value !== '';
  if (m.op === '=~') return !(m.re as RegExp).test('');
  return false;
}

/** Parses and validates a query like syntax.ParseExpr. Throws ParseError or NotImplementedError. */
export function parseQuery(input: string): Query {
  if (input.length >= MAX_INPUT_SIZE)
    throw new ParseError(`input size too long (${input.length} > ${MAX_INPUT_SIZE})`, 0, 0);
  const q = new Parser(input).parse();
  const selectors: Matcher[][] = [];
  collectSelectors(q, selectors);
  for (const ms of selectors) if (!ms.some(selective)) throw new ParseError(ERR_EMPTY_MATCHERS, 0, 0);
  return q;
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation helpers
// ---------------------------------------------------------------------------------------------------------------

export function matchLabels(matchers: readonly Matcher[], labels: Record<string, string>): boolean {
  return matchers.every((m) => {
    const v = labels[m.name] ?? '';
    switch (m.op) {
      case '=':
        return v === m.value;
      case '!=':
        return v !== m.value;
      case '=~':
        return (m.re as RegExp).test(v);
      case '!~':
        return !(m.re as RegExp).test(v);
      default:
        return false;
    }
  });
}

export function matchLine(filters: readonly LineFilter[], line: string): boolean {
  return filters.every((f) => {
    switch (f.op) {
      case '|=':
        return f.values.some((v) => line.includes(v));
      case '!=':
        return !f.values.some((v) => line.includes(v));
      case '|~':
        return (f.res as RegExp[]).some((re) => re.test(line));
      case '!~':
        return !(f.res as RegExp[]).some((re) => re.test(line));
      default:
        return false;
    }
  });
}
