import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../support/env.ts';
import { startServer, type TestServer } from '../support/server.ts';

/** Runs a command to completion and returns its exit code and combined output. */
function run(
  cmd: string,
  args: string[],
  timeoutMs: number,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('official MCP conformance suite', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('passes every scenario that applies to a tools-only stateless server (the rest are in the baseline)', async () => {
    const url = server.url.replace('127.0.0.1', 'localhost');
    const bin = join(ROOT, 'node_modules', '.bin', 'conformance');
    const baseline = join(ROOT, 'test', 'conformance', 'baseline.yml');
    const { code, output } = await run(
      bin,
      ['server', '--url', url, '--suite', 'active', '--expected-failures', baseline],
      240_000,
    );
    expect(output).toMatch(/Total: \d+ passed/);
    expect(code, output.slice(-4000)).toBe(0);
  }, 300_000);
});
