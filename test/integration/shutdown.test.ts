import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, sandboxEnv } from '../support/env.ts';

/** A TCP server that accepts connections and never answers: a backend that hangs. */
function silentBackend(): Promise<{ server: Server; url: string; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>();
  const server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({ server, url: `http://127.0.0.1:${port}`, sockets });
    }),
  );
}

describe('graceful shutdown', () => {
  let backend: Awaited<ReturnType<typeof silentBackend>>;
  beforeAll(async () => {
    backend = await silentBackend();
  });
  afterAll(async () => {
    for (const s of backend.sockets) s.destroy();
    await new Promise((r) => backend.server.close(r));
  });

  it('on SIGTERM finishes the call in flight, then exits 0', async () => {
    const child = spawn(process.execPath, [join(ROOT, 'src/server.ts'), '--port', '0'], {
      env: {
        PATH: process.env.PATH ?? '',
        KUBECONFIG: sandboxEnv().SA_KUBECONFIG!,
        PROMETHEUS_URL: backend.url,
        PROMETHEUS_TIMEOUT_MS: '1500',
        LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let out = '';
    const address = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        const m = /"address":"(http:\/\/[^"]+)"/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', () => reject(new Error(`server exited early: ${out}`)));
    });

    // A call that hangs on the silent backend until its 1.5 s timeout.
    const inFlight = fetch(`${address}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-06-18',
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        method: 'tools/call',
        params: { name: 'query_metrics', arguments: { query: 'up' } },
      }),
    }).then((r) => r.text());
    // Wait until the server has sent the request on to the backend, then ask it to stop.
    const deadline = Date.now() + 10_000;
    while (backend.sockets.size === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(backend.sockets.size).toBeGreaterThan(0);
    child.kill('SIGTERM');

    const body = await inFlight;
    expect(body).toContain('did not answer within 1500 ms');
    expect(await exited).toBe(0);
    expect(out).toContain('shutting down');
  }, 30_000);
});
