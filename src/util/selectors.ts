/**
 * Kubernetes label and field selectors, parsed and evaluated the way the API server does
 * (k8s.io/apimachinery `labels.Parse` and `fields.ParseSelector`), so that answers computed from a local cache
 * select exactly what a list request would. Whatever cannot be reproduced exactly (a selector the API server
 * would reject, a field the caller cannot evaluate) is reported as "not answerable" and the caller asks the API
 * server instead, which also produces the API's own error message for a bad selector.
 */

/** Operators of a label requirement (`=` and `==` are `in` with one value, `!=` is `notin`). */
export type LabelOperator = 'in' | 'notin' | 'exists' | '!' | 'gt' | 'lt';

/** One requirement of a label selector; a selector is their conjunction. */
export interface LabelRequirement {
  key: string;
  op: LabelOperator;
  /** Sorted and de-duplicated, as the API server keeps them. */
  values: string[];
}

/** The outcome of parsing: the value, or the reason the API server would reject the text. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

// --- label selector lexer (labels/selector.go) -----------------------------------------------------------------

type Token = 'id' | 'eos' | '(' | ')' | ',' | '!' | '=' | '==' | '!=' | '>' | '<' | 'in' | 'notin' | 'error';

interface Lexeme {
  tok: Token;
  lit: string;
}

const SYMBOLS: ReadonlySet<string> = new Set(['(', ')', ',', '!', '=', '==', '!=', '>', '<']);
const isSpecial = (c: string): boolean => '=!(),><'.includes(c);
// Only these four count as white space; any other character belongs to an identifier (and fails validation).
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';

function lex(s: string): Lexeme[] {
  const out: Lexeme[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isSpace(s[pos]!)) pos++;
    if (pos >= s.length) {
      out.push({ tok: 'eos', lit: '' });
      return out;
    }
    if (isSpecial(s[pos]!)) {
      // The longest run of special characters that is still an operator: `!=`, `==`, else one character.
      let buf = '';
      let last: Lexeme | undefined;
      while (pos < s.length && isSpecial(s[pos]!)) {
        buf += s[pos];
        if (SYMBOLS.has(buf)) {
          last = { tok: buf as Token, lit: buf };
          pos++;
        } else if (last) break;
        else pos++;
      }
      out.push(last ?? { tok: 'error', lit: `error expected: keyword found '${buf}'` });
      continue;
    }
    const start = pos;
    while (pos < s.length && !isSpecial(s[pos]!) && !isSpace(s[pos]!)) pos++;
    const word = s.slice(start, pos);
    out.push({ tok: word === 'in' || word === 'notin' ? word : 'id', lit: word });
  }
}

// --- validation (apimachinery/pkg/util/validation) --------------------------------------------------------------

const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const INT64_MAX = 9223372036854775807n;

/** Why `key` is not a valid label key (qualified name with an optional DNS-subdomain prefix), or undefined. */
export function labelKeyError(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return `invalid label key "${key}": at most one '/'`;
  const name = parts.at(-1)!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    if (prefix === '') return `invalid label key "${key}": prefix part must be non-empty`;
    if (prefix.length > 253 || !DNS1123_SUBDOMAIN.test(prefix))
      return `invalid label key "${key}": prefix part must be a lowercase DNS subdomain`;
  }
  if (name === '') return `invalid label key "${key}": name part must be non-empty`;
  if (name.length > 63) return `invalid label key "${key}": name part must be no more than 63 characters`;
  if (!QUALIFIED_NAME.test(name))
    return `invalid label key "${key}": name part must consist of alphanumerics, '-', '_' or '.', and start and end with an alphanumeric`;
  return undefined;
}

/** Why `value` is not a valid label value (empty, or ≤ 63 alphanumerics, '-', '_', '.' inside), or undefined. */
export function labelValueError(value: string): string | undefined {
  if (value.length > 63) return `invalid label value "${value}": must be no more than 63 characters`;
  if (!LABEL_VALUE.test(value))
    return `invalid label value "${value}": must be empty or consist of alphanumerics, '-', '_' or '.', and start and end with an alphanumeric`;
  return undefined;
}

/** Go's strconv.ParseInt(v, 10, 64) for the values a label may hold (digits only, after validation). */
function int64(v: string): bigint | undefined {
  if (!/^[+-]?[0-9]+$/.test(v)) return undefined;
  const n = BigInt(v);
  return n > INT64_MAX || n < -INT64_MAX - 1n ? undefined : n;
}

// --- label selector parser --------------------------------------------------------------------------------------

class LabelParser {
  private readonly items: Lexeme[];
  private pos = 0;
  constructor(text: string) {
    this.items = lex(text);
  }

  /** The next lexeme; in a value position the keywords `in` and `notin` are plain identifiers. */
  private peek(values: boolean): Lexeme {
    const it = this.items[Math.min(this.pos, this.items.length - 1)]!;
    return values && (it.tok === 'in' || it.tok === 'notin') ? { tok: 'id', lit: it.lit } : it;
  }

  private next(values: boolean): Lexeme {
    const it = this.peek(values);
    this.pos++;
    return it;
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.peek(true);
      if (tok === 'eos') return reqs;
      if (tok !== 'id' && tok !== '!')
        throw new Error(`found '${lit}', expected: !, identifier, or 'end of string'`);
      reqs.push(this.requirement());
      const after = this.next(true);
      if (after.tok === 'eos') return reqs;
      if (after.tok !== ',') throw new Error(`found '${after.lit}', expected: ',' or 'end of string'`);
      const t2 = this.peek(true);
      if (t2.tok !== 'id' && t2.tok !== '!')
        throw new Error(`found '${t2.lit}', expected: identifier after ','`);
    }
  }

  private requirement(): LabelRequirement {
    let notExists = false;
    let t = this.next(true);
    if (t.tok === '!') {
      notExists = true;
      t = this.next(true);
    }
    if (t.tok !== 'id') throw new Error(`found '${t.lit}', expected: identifier`);
    const key = t.lit;
    const keyErr = labelKeyError(key);
    if (keyErr) throw new Error(keyErr);
    const la = this.peek(true).tok;
    if (notExists) return { key, op: '!', values: [] };
    if (la === 'eos' || la === ',') return { key, op: 'exists', values: [] };

    const op = this.next(false);
    let values: string[];
    let operator: LabelOperator;
    switch (op.tok) {
      case 'in':
      case 'notin':
        operator = op.tok;
        values = this.setValues();
        break;
      case '=':
      case '==':
      case '!=':
      case '>':
      case '<':
        operator = op.tok === '!=' ? 'notin' : op.tok === '>' ? 'gt' : op.tok === '<' ? 'lt' : 'in';
        values = [this.exactValue()];
        break;
      default:
        throw new Error(`found '${op.lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
    values = [...new Set(values)].sort();
    if ((operator === 'gt' || operator === 'lt') && int64(values[0]!) === undefined)
      throw new Error(`for 'Gt', 'Lt' operators, the value must be an integer`);
    for (const v of values) {
      const err = labelValueError(v);
      if (err) throw new Error(err);
    }
    return { key, op: operator, values };
  }

  private exactValue(): string {
    const la = this.peek(true);
    if (la.tok === 'eos' || la.tok === ',') return '';
    const t = this.next(true);
    if (t.tok === 'id') return t.lit;
    throw new Error(`found '${t.lit}', expected: identifier`);
  }

  /** `(a,b,c)`; empty members count as the empty value, as in the API server (`()` is `("")`). */
  private setValues(): string[] {
    const open = this.next(true);
    if (open.tok !== '(') throw new Error(`found '${open.lit}' expected: '('`);
    const la = this.peek(true);
    if (la.tok === ')') {
      this.pos++;
      return [''];
    }
    if (la.tok !== 'id' && la.tok !== ',')
      throw new Error(`found '${la.lit}', expected: ',', ')' or identifier`);
    const values: string[] = [];
    for (;;) {
      const t = this.next(true);
      if (t.tok === 'id') {
        values.push(t.lit);
        const t2 = this.peek(true);
        if (t2.tok === ',') continue;
        if (t2.tok === ')') break;
        throw new Error(`found '${t2.lit}', expected: ',' or ')'`);
      }
      if (t.tok === ',') {
        if (values.length === 0) values.push('');
        const t2 = this.peek(true);
        if (t2.tok === ')') {
          values.push('');
          break;
        }
        if (t2.tok === ',') {
          this.pos++;
          values.push('');
        }
        continue;
      }
      throw new Error(`found '${t.lit}', expected: ',', or identifier`);
    }
    this.pos++; // the ')' seen above
    return values;
  }
}

/**
 * Parses a label selector (`app=web,tier!=db`, `env in (a,b)`, `!canary`, `partition>3`) with the API server's
 * grammar and validation. Empty or blank text selects everything.
 */
export function parseLabelSelector(text: string): Parsed<LabelRequirement[]> {
  // The API server's lexer takes a NUL byte for the end of the text; no need to mimic that.
  if (text.includes('\0')) return { ok: false, error: 'NUL character in selector' };
  try {
    return { ok: true, value: new LabelParser(text).parse() };
  } catch (err) {
    return { ok: false, error: `unable to parse requirement: ${(err as Error).message}` };
  }
}

/** Whether labels satisfy every requirement. */
export function matchLabels(
  reqs: readonly LabelRequirement[],
  labels: Readonly<Record<string, string>> | undefined,
): boolean {
  for (const r of reqs) {
    const has = labels !== undefined && Object.hasOwn(labels, r.key);
    const value = has ? labels[r.key]! : undefined;
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(value!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(value!)) return false;
        break;
      case 'gt':
      case 'lt': {
        const n = has ? int64(value!) : undefined;
        const bound = int64(r.values[0]!)!;
        if (n === undefined || (r.op === 'gt' ? !(n > bound) : !(n < bound))) return false;
        break;
      }
    }
  }
  return true;
}

// --- field selectors (fields/selector.go) -----------------------------------------------------------------------

/** One term of a field selector: `field=value`, `field==value` (same) or `field!=value`. */
export interface FieldTerm {
  field: string;
  op: '=' | '!=';
  value: string;
}

/** Splits at commas that are not escaped with a backslash. */
function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (escaped) escaped = false;
    else if (c === '\\') escaped = true;
    else if (c === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

/** `\\`, `\,` and `\=` are the only escapes; a bare `,` or `=` in a value is an error, as in the API server. */
function unescapeValue(v: string): string {
  let out = '';
  let escaped = false;
  for (const c of v) {
    if (escaped) {
      if (c !== '\\' && c !== ',' && c !== '=') throw new Error(`invalid escape sequence: \\${c}`);
      out += c;
      escaped = false;
    } else if (c === '\\') escaped = true;
    else if (c === ',' || c === '=') throw new Error(`invalid field selector: unescaped ${c} in value`);
    else out += c;
  }
  if (escaped) throw new Error('invalid escape sequence: \\');
  return out;
}

/**
 * Parses a field selector (`spec.nodeName=n1,status.phase!=Running`). The field names are not checked here:
 * which fields exist depends on the resource. Empty or blank terms are skipped, as in the API server.
 */
export function parseFieldSelector(text: string): Parsed<FieldTerm[]> {
  if (text.includes('\0')) return { ok: false, error: 'NUL character in selector' };
  const terms: FieldTerm[] = [];
  try {
    for (const part of splitTerms(text)) {
      if (part === '') continue;
      // The first operator wins; `!=` and `==` are tried before `=` at each position (no escapes on the left).
      let found: { i: number; op: string } | undefined;
      for (let i = 0; i < part.length && !found; i++)
        for (const op of ['!=', '==', '=']) {
          if (part.startsWith(op, i)) {
            found = { i, op };
            break;
          }
        }
      if (!found) throw new Error(`invalid selector: '${text}'; can't understand '${part}'`);
      terms.push({
        field: part.slice(0, found.i),
        op: found.op === '!=' ? '!=' : '=',
        value: unescapeValue(part.slice(found.i + found.op.length)),
      });
    }
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
  return { ok: true, value: terms };
}

/**
 * A predicate for a label selector, or undefined when the API server would reject it (the caller then asks the
 * API server, which reports the error). Empty or missing text matches everything.
 */
export function labelMatcher(
  text: string | undefined,
): ((labels: Readonly<Record<string, string>> | undefined) => boolean) | undefined {
  if (text === undefined || text === '') return () => true;
  const parsed = parseLabelSelector(text);
  if (!parsed.ok) return undefined;
  const reqs = parsed.value;
  return reqs.length === 0 ? () => true : (labels) => matchLabels(reqs, labels);
}

/**
 * A predicate for a field selector over the fields `fields` can read, or undefined when the text does not parse
 * or names another field (the caller then asks the API server). Empty or missing text matches everything.
 */
export function fieldMatcher<T>(
  text: string | undefined,
  fields: Readonly<Record<string, (obj: T) => string>>,
): ((obj: T) => boolean) | undefined {
  if (text === undefined || text === '') return () => true;
  const parsed = parseFieldSelector(text);
  if (!parsed.ok) return undefined;
  const terms = parsed.value.map((t) => ({
    ...t,
    get: Object.hasOwn(fields, t.field) ? fields[t.field] : undefined,
  }));
  if (terms.some((t) => t.get === undefined)) return undefined;
  return (obj) => terms.every((t) => (t.get!(obj) === t.value) === (t.op === '='));
}
