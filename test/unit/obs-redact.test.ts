import { describe, expect, it } from 'vitest';
import { REDACTED, redactSecrets } from '../../src/util/redact.ts';

const JWT =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQifQ.c2lnbmF0dXJlLWJ5dGVz';

describe('redactSecrets masks', () => {
  it.each<[string, string, string]>([
    ['bearer token', 'Authorization: Bearer abc.def-123', 'Authorization: Bearer [REDACTED]'],
    ['basic credentials', 'auth header Basic dXNlcjpwYXNz', 'auth header Basic [REDACTED]'],
    ['password=', 'login user=bob password=hunter2 ok', 'login user=bob password=[REDACTED] ok'],
    ['passwd:', 'passwd: s3cr3t', 'passwd: [REDACTED]'],
    [
      'secret= in a query string',
      'GET /cb?client_secret=xyz&state=1',
      'GET /cb?client_secret=[REDACTED]&state=1',
    ],
    ['token=', 'token=deadbeef', 'token=[REDACTED]'],
    ['upper-case key', 'DB_PASSWORD=Pa55', 'DB_PASSWORD=[REDACTED]'],
    ['JSON value', '{"user":"a","password":"p w d"}', '{"user":"a","password":"[REDACTED]"}'],
    ['single-quoted value', "api_key = 'k-123'", "api_key = '[REDACTED]'"],
    ['quoted value with escaped quote', 'secret="a\\"b" rest', 'secret="[REDACTED]" rest'],
    [
      'URL credentials',
      'connecting to postgres://app:topsecret@db:5432/x',
      'connecting to postgres://app:[REDACTED]@db:5432/x',
    ],
    ['JWT', `id_token ${JWT} end`, `id_token ${REDACTED} end`],
    ['AWS access key id', 'key AKIAIOSFODNN7EXAMPLE used', `key ${REDACTED} used`],
    ['GitHub token', 'ghp_0123456789abcdefghijABCDEFGHIJ012345', REDACTED],
    ['Slack token', 'xoxb-1234567890-abcdefghij', REDACTED],
  ])('%s', (_name, input, expected) => {
    expect(redactSecrets(input)).toBe(expected);
  });

  it('a PEM private key block', () => {
    const pem = '-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAAK\n-----END RSA PRIVATE KEY-----';
    const out = redactSecrets(`key:\n${pem}\nafter`);
    expect(out).toBe(`key:\n-----BEGIN RSA PRIVATE KEY-----${REDACTED}\nafter`);
    expect(out).not.toContain('MIIEow');
  });

  it('a PEM private key cut off at the end of a log line', () => {
    const out = redactSecrets('-----BEGIN PRIVATE KEY----- MIIEvQIBADANBgkqhkiG9w0');
    expect(out).not.toContain('MIIEvQ');
  });
});

describe('redactSecrets keeps', () => {
  it.each([
    'GET /healthz 200 12ms',
    'level=info msg="reconciled" revision=main@sha1:abc123',
    'max_tokens=5 tokens_used: 7',
    'password reset requested for user bob',
    'certificate web-tls expires in 30d',
  ])('%s', (line) => {
    expect(redactSecrets(line)).toBe(line);
  });
});
