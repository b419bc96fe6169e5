import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKubeAccess } from '../../src/clients/kubeconfig.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function kubeconfig(dir: string, name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}

const base = (user: string, extraCluster = '') => `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster:
    server: https://10.1.2.3:6443/
    certificate-authority-data: ${b64('CA PEM')}${extraCluster}
users:
- name: u
  user:
${user}
contexts:
- name: ctx
  context: {cluster: c, user: u}
- name: other
  context: {cluster: c, user: nobody}
current-context: ctx
`;

describe('loadKubeAccess', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeconfig-'));

  it('reads the server, CA and a static token of the current context', async () => {
    const path = kubeconfig(dir, 'token', base('    token: abc123'));
    const access = loadKubeAccess({ KUBECONFIG: path });
    expect(access.server).toBe('https://10.1.2.3:6443');
    expect(access.contextName).toBe('ctx');
    const c = await access.credentials();
    expect(c.headers.authorization).toBe('Bearer abc123');
    expect(String(c.ca)).toBe('CA PEM');
  });

  it('re-reads a token file (relative to the kubeconfig) on every refresh', async () => {
    writeFileSync(join(dir, 'tok'), 'first\n');
    const access = loadKubeAccess({ KUBECONFIG: kubeconfig(dir, 'tokfile', base('    tokenFile: tok')) });
    expect((await access.credentials()).headers.authorization).toBe('Bearer first');
    writeFileSync(join(dir, 'tok'), 'second\n');
    expect((await access.credentials()).headers.authorization).toBe('Bearer second');
  });

  it('reads client certificates from data and from files', async () => {
    writeFileSync(join(dir, 'client.key'), 'KEY PEM');
    const access = loadKubeAccess({
      KUBECONFIG: kubeconfig(
        dir,
        'cert',
        base(`    client-certificate-data: ${b64('CERT PEM')}\n    client-key: client.key`),
      ),
    });
    const c = await access.credentials();
    expect(String(c.cert)).toBe('CERT PEM');
    expect(String(c.key)).toBe('KEY PEM');
    expect(c.headers.authorization).toBeUndefined();
  });

  it('honours insecure-skip-tls-verify and tls-server-name', async () => {
    const access = loadKubeAccess({
      KUBECONFIG: kubeconfig(
        dir,
        'insecure',
        base('    token: t', '\n    insecure-skip-tls-verify: true\n    tls-server-name: api.internal'),
      ),
    });
    const c = await access.credentials();
    expect(c.rejectUnauthorized).toBe(false);
    expect(c.servername).toBe('api.internal');
  });

  it('runs an exec credential plugin and caches its token until it expires', async () => {
    const counter = join(dir, 'exec-count');
    const script = join(dir, 'plugin.sh');
    writeFileSync(
      script,
      `#!/bin/sh\necho x >> "${counter}"\necho '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"from-exec","expirationTimestamp":"2999-01-01T00:00:00Z"}}'\n`,
    );
    chmodSync(script, 0o755);
    const access = loadKubeAccess({
      PATH: process.env.PATH,
      KUBECONFIG: kubeconfig(
        dir,
        'exec',
        base(`    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${script}`),
      ),
    });
    expect((await access.credentials()).headers.authorization).toBe('Bearer from-exec');
    expect((await access.credentials()).headers.authorization).toBe('Bearer from-exec');
    const { readFileSync } = await import('node:fs');
    expect(readFileSync(counter, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('merges several KUBECONFIG files, the first definition of a name winning', () => {
    const first = kubeconfig(dir, 'a', 'apiVersion: v1\nkind: Config\ncurrent-context: ctx\n');
    const second = kubeconfig(dir, 'b', base('    token: t'));
    const access = loadKubeAccess({ KUBECONFIG: [first, second].join(delimiter) });
    expect(access.contextName).toBe('ctx');
    expect(access.server).toBe('https://10.1.2.3:6443');
  });

  it('picks another context by name and says when it does not exist', () => {
    const path = kubeconfig(dir, 'ctx', base('    token: t'));
    expect(loadKubeAccess({ KUBECONFIG: path }, 'other').contextName).toBe('other');
    expect(() => loadKubeAccess({ KUBECONFIG: path }, 'nope')).toThrow("no context 'nope'");
  });

  it('refuses a KUBECONFIG that points at no file', () => {
    expect(() => loadKubeAccess({ KUBECONFIG: join(dir, 'missing') })).toThrow(/no kubeconfig at/);
  });

  it('starts without any kubeconfig and says why on first use', async () => {
    const access = loadKubeAccess({ HOME: join(dir, 'no-home') });
    await expect(access.credentials()).rejects.toThrow(/no kubeconfig .* not running in a pod/);
  });
});
