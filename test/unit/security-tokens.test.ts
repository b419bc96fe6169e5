import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OAuthError } from '@modelcontextprotocol/server';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BearerTokenVerifier,
  metricsAuthorizer,
  parseTokens,
  safeEqual,
  tokenFingerprint,
} from '../../src/auth/tokens.ts';
import { createLogger } from '../../src/log.ts';

const dir = mkdtempSync(join(tmpdir(), 'cluster-mcp-tokens-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const log = createLogger('silent');
const A = 'a'.repeat(32);
const B = 'b'.repeat(40);

/** Writes a file in the temp dir and returns its path. */
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('parseTokens', () => {
  const parse = (text: string) => parseTokens(new Map([['tokens', text]]), false);

  it('reads name:token lines, skipping blanks and comments', () => {
    const r = parse(`# who may call\n\nalice:${A}\n  bob : ${B}  \n`);
    expect(r.problems).toEqual([]);
    expect(r.tokens).toEqual([
      { name: 'alice', token: A },
      { name: 'bob', token: B },
    ]);
  });

  it('keeps colons inside the token', () => {
    expect(parse(`ci:${A}:x`).tokens).toEqual([{ name: 'ci', token: `${A}:x` }]);
  });

  it.each([
    ['a line without a name', `${A}\n`, /expected "name:token"/],
    ['a short token', 'alice:short\n', /shorter than 16/],
    ['a token with a space', `alice:${A} ${A}\n`, /printable ASCII without spaces/],
    ['a bad name', `al ice:${A}\n`, /name must match/],
    ['a duplicate name', `alice:${A}\nalice:${B}\n`, /appears twice/],
    ['a duplicate value', `alice:${A}\nbob:${A}\n`, /same value/],
    ['an empty file', '# nothing\n', /no tokens/],
  ])('reports %s without echoing the token', (_name, text, problem) => {
    const r = parse(text);
    expect(r.problems.join('\n')).toMatch(problem);
    expect(r.problems.join('\n')).not.toContain(A);
  });

  it('reads a Secret directory as one token per file named by the file', () => {
    const r = parseTokens(
      new Map([
        ['alice', `${A}\n`],
        ['bob', B],
      ]),
      true,
    );
    expect(r.tokens).toEqual([
      { name: 'alice', token: A },
      { name: 'bob', token: B },
    ]);
  });
});

describe('safeEqual and tokenFingerprint', () => {
  it.each([
    [A, A, true],
    [A, B, false],
    [A, `${A}x`, false],
    ['', '', true],
  ])('safeEqual(%s, %s) → %s', (a, b, eq) => {
    expect(safeEqual(a, b)).toBe(eq);
  });

  it('fingerprints without containing the token', () => {
    expect(tokenFingerprint(A)).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(tokenFingerprint(A)).not.toContain(A);
  });
});

describe('BearerTokenVerifier', () => {
  it('names the caller of a known token and keeps the token out of AuthInfo', async () => {
    const v = new BearerTokenVerifier(file('known', `alice:${A}\nbob:${B}\n`), log);
    const info = await v.verifyAccessToken(B);
    expect(info.extra?.caller).toBe('bob');
    expect(info.clientId).toBe('bob');
    expect(info.token).not.toContain(B);
    expect(info.expiresAt).toBeGreaterThan(Date.now() / 1000);
  });

  it('refuses an unknown token with invalid_token', async () => {
    const v = new BearerTokenVerifier(file('unknown', `alice:${A}\n`), log);
    await expect(v.verifyAccessToken(B)).rejects.toSatisfy(
      (e) => e instanceof OAuthError && e.code === 'invalid_token',
    );
  });

  it('refuses to start from a missing file', () => {
    expect(() => new BearerTokenVerifier(join(dir, 'missing'), log)).toThrow(/ENOENT/);
  });

  it('refuses to start from a file with problems', () => {
    expect(() => new BearerTokenVerifier(file('weak', 'alice:short\n'), log)).toThrow(/shorter than 16/);
  });

  it('picks up a rewritten file on the next call', async () => {
    const path = file('rotate', `alice:${A}\n`);
    const v = new BearerTokenVerifier(path, log);
    writeFileSync(path, `alice2:${B}\n`);
    expect((await v.verifyAccessToken(B)).extra?.caller).toBe('alice2');
    await expect(v.verifyAccessToken(A)).rejects.toBeInstanceOf(OAuthError);
  });

  it('keeps the previous tokens when the new file does not parse', async () => {
    const path = file('broken', `alice:${A}\n`);
    const v = new BearerTokenVerifier(path, log);
    writeFileSync(path, 'alice:short\n');
    expect((await v.verifyAccessToken(A)).extra?.caller).toBe('alice');
  });

  it('follows a Secret volume whose ..data symlink is swapped', async () => {
    // The kubelet's atomic writer: versioned dirs, `..data` → current, key files → `..data/<key>`.
    const vol = join(dir, 'secret');
    mkdirSync(join(vol, '..v1'), { recursive: true });
    writeFileSync(join(vol, '..v1', 'alice'), A);
    symlinkSync('..v1', join(vol, '..data'));
    symlinkSync(join('..data', 'alice'), join(vol, 'alice'));
    const v = new BearerTokenVerifier(vol, log);
    expect((await v.verifyAccessToken(A)).extra?.caller).toBe('alice');

    mkdirSync(join(vol, '..v2'));
    writeFileSync(join(vol, '..v2', 'alice'), B);
    symlinkSync('..v2', join(vol, '..data_tmp'));
    renameSync(join(vol, '..data_tmp'), join(vol, '..data'));
    expect((await v.verifyAccessToken(B)).extra?.caller).toBe('alice');
    await expect(v.verifyAccessToken(A)).rejects.toBeInstanceOf(OAuthError);
  });
});

describe('metricsAuthorizer', () => {
  it('accepts only the file content as a bearer token', () => {
    const authorize = metricsAuthorizer(file('metrics', `${A}\n`));
    expect(authorize(`Bearer ${A}`)).toBe(true);
    expect(authorize(`Bearer ${B}`)).toBe(false);
    expect(authorize(undefined)).toBe(false);
    expect(authorize(A)).toBe(false);
  });

  it('refuses a short metrics token at start', () => {
    expect(() => metricsAuthorizer(file('metrics-short', 'short'))).toThrow(/shorter than 16/);
  });
});
