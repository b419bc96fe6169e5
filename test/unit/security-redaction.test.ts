import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, redactLogLine } from '../../src/log.ts';

const JWT = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ';

/** A logger writing into an array of parsed lines. */
function capture(redactSecrets = true): { log: ReturnType<typeof createLogger>; lines: string[] } {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger('info', { redactSecrets, destination }), lines };
}

describe('redactLogLine', () => {
  it('passes a line without secrets through unchanged', () => {
    const line = '{"level":30,"msg":"tool call","tool":"get_pods"}\n';
    expect(redactLogLine(line)).toBe(line);
  });

  it.each([
    [
      'a bearer header in a message',
      `{"msg":"upstream said: Authorization: Bearer ${'x'.repeat(24)}"}\n`,
      'x'.repeat(24),
    ],
    [
      'a password in a URL',
      '{"msg":"GET https://admin:hunter2hunter2@prom.example.com/api failed"}\n',
      'hunter2hunter2',
    ],
    ['a JWT in a nested field', `{"upstream":{"body":"token ${JWT} rejected"}}\n`, JWT],
    [
      'a quoted secret inside a string',
      '{"msg":"config: {\\"client_secret\\": \\"s3cr3t-value\\"}"}\n',
      's3cr3t-value',
    ],
  ])('masks %s and keeps the line valid JSON', (_name, line, secret) => {
    const out = redactLogLine(line);
    expect(out).not.toContain(secret);
    expect(out.endsWith('\n')).toBe(true);
    expect(() => JSON.parse(out)).not.toThrow();
  });
});

describe('createLogger', () => {
  it('never prints the Authorization header of a logged request', () => {
    const { log, lines } = capture();
    log.info({ req: { headers: { authorization: `Bearer ${'t'.repeat(30)}` } } }, 'request');
    expect(lines.join('')).not.toContain('t'.repeat(30));
  });

  it('masks secret-looking strings in messages and error stacks', () => {
    const { log, lines } = capture();
    const err = new Error(`login failed for https://bob:pa55word-pa55word@loki.example.com`);
    log.error({ err }, `retrying with password=pa55word-pa55word`);
    const text = lines.join('');
    expect(text).not.toContain('pa55word-pa55word');
    expect(JSON.parse(lines[0]!).msg).toContain('password=');
  });

  it('leaves strings alone when MCP_REDACT_SECRETS is off', () => {
    const { log, lines } = capture(false);
    log.info('password=visible-on-purpose');
    expect(lines.join('')).toContain('visible-on-purpose');
  });
});
