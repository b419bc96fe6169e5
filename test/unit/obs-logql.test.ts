import { describe, expect, it } from 'vitest';
import { CallerError } from '../../src/mcp/errors.ts';
import { buildLogQuery, escapeRegex, quoteLogql } from '../../src/util/logql.ts';

/**
 * Splits a built query into its tokens the way LogQL's lexer does for strings: a double-quoted string with
 * backslash escapes is one token. Lets the tests check structure (how many matchers, which stages) without Loki.
 */
function tokens(q: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < q.length) {
    const c = q[i]!;
    if (c === ' ') {
      i++;
    } else if (c === '"') {
      let j = i + 1;
      while (j < q.length && q[j] !== '"') j += q[j] === '\\' ? 2 : 1;
      if (j >= q.length) throw new Error(`unterminated string in ${q}`);
      out.push(q.slice(i, j + 1));
      i = j + 1;
    } else {
      let j = i;
      while (j < q.length && !' "'.includes(q[j]!)) j++;
      out.push(q.slice(i, j));
      i = j;
    }
  }
  return out;
}

describe('quoteLogql', () => {
  const cases: [string, string][] = [
    ['plain', 'web'],
    ['double quote', 'say "hi"'],
    ['backslash', 'C:\\temp\\x'],
    ['trailing backslash', 'ends with \\'],
    ['braces', '{"level":"error"}'],
    ['backticks', 'run `rm -rf`'],
    ['newline and tab', 'a\nb\tc\r'],
    ['pipe stage attempt', '" |= "x'],
    ['selector close attempt', '"} | line_format "{{.secret}}'],
    ['unicode', 'héllo ✓ 𝄞'],
    ['control char', 'bell\u0007'],
  ];
  it.each(cases)('round-trips %s as one string token', (_name, value) => {
    const quoted = quoteLogql(value);
    expect(tokens(quoted)).toEqual([quoted]);
    // JSON string escapes are a subset of Go's, which Loki's parser unquotes with.
    expect(JSON.parse(quoted)).toBe(value);
    expect(quoted).not.toMatch(/[\n\r]/);
  });
});

describe('escapeRegex', () => {
  it.each([
    ['web-1', 'web-1'],
    ['a.b', 'a\\.b'],
    ['x+(y)*', 'x\\+\\(y\\)\\*'],
    ['[a]{2}|^$', '\\[a\\]\\{2\\}\\|\\^\\$'],
    ['back\\slash', 'back\\\\slash'],
  ])('escapes %j', (input, expected) => {
    expect(escapeRegex(input)).toBe(expected);
    expect(new RegExp(`^${escapeRegex(input)}$`).test(input)).toBe(true);
  });
});

describe('buildLogQuery', () => {
  it.each<[string, Parameters<typeof buildLogQuery>[0], string]>([
    ['namespace only', { namespace: 'shop' }, '{namespace="shop"}'],
    [
      'all labels',
      { namespace: 'shop', pod: 'web-1', container: 'app' },
      '{namespace="shop",pod="web-1",container="app"}',
    ],
    ['pod prefix', { namespace: 'shop', pod: 'web-*' }, '{namespace="shop",pod=~"web-.*"}'],
    ['prefix with regex characters', { pod: 'a.b*' }, '{pod=~"a\\\\.b.*"}'],
    ['line filter', { namespace: 'shop', contains: 'timeout' }, '{namespace="shop"} |= "timeout"'],
    [
      'line filter with quotes and braces',
      { namespace: 'shop', contains: '{"level":"error"}' },
      '{namespace="shop"} |= "{\\"level\\":\\"error\\"}"',
    ],
    ['empty contains ignored', { namespace: 'shop', contains: '' }, '{namespace="shop"}'],
  ])('%s', (_name, filters, expected) => {
    expect(buildLogQuery(filters)).toBe(expected);
  });

  it('keeps an injection attempt inside one matcher value', () => {
    const q = buildLogQuery({ namespace: 'x"} |= "y', contains: '" | line_format "{{.password}}' });
    const t = tokens(q);
    // {namespace= "<value>" } |= "<value>": exactly one matcher and one line filter, no extra stage.
    expect(t).toEqual(['{namespace=', t[1], '}', '|=', t[4]]);
    expect(JSON.parse(t[1]!)).toBe('x"} |= "y');
    expect(JSON.parse(t[4]!)).toBe('" | line_format "{{.password}}');
  });

  it('keeps newlines escaped so the query stays on one line', () => {
    expect(buildLogQuery({ namespace: 'a', contains: 'x\ny' })).toBe('{namespace="a"} |= "x\\ny"');
  });

  it('refuses filters without any label to select streams', () => {
    expect(() => buildLogQuery({ contains: 'error' })).toThrow(CallerError);
  });
});
