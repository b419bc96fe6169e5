import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { HttpBackend } from '../../src/clients/http.ts';
import type { BackendConfig } from '../../src/config.ts';
import { NotConfiguredError, UpstreamError } from '../../src/mcp/errors.ts';
import { createMetrics } from '../../src/metrics.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/** A loopback HTTP server whose behaviour each test sets by path. */
let server: Server;
let base: string;
const routes = new Map<string, Handler>();
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'obs-http-'));
  server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const h = routes.get(path);
    if (h) h(req, res);
    else res.writeHead(404).end('no such route');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  routes.set('/echo', (req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        authorization: req.headers.authorization ?? null,
        tenant: req.headers['x-scope-orgid'] ?? null,
        url: req.url,
      }),
    );
  });
  routes.set('/big', (_req, res) => res.end('x'.repeat(4096)));
  routes.set('/hang', () => {
    // never answers
  });
  routes.set('/fail', (_req, res) =>
    res
      .writeHead(500)
      .end(`internal failure; upstream said Authorization: Bearer leaked-token ${'y'.repeat(3000)}`),
  );
  routes.set('/forbidden', (_req, res) => res.writeHead(403).end('forbidden'));
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function backend(cfg: Partial<BackendConfig> = {}, maxBytes = 1024 * 1024) {
  const metrics = createMetrics();
  const http = new HttpBackend(
    { name: 'prometheus', url: base, timeoutMs: 2000, headers: {}, ...cfg },
    maxBytes,
    metrics,
  );
  return { http, metrics };
}

const echo = z.object({
  authorization: z.string().nullable(),
  tenant: z.string().nullable(),
  url: z.string(),
});

async function failure(p: Promise<unknown>): Promise<UpstreamError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UpstreamError);
  return err as UpstreamError;
}

describe('HttpBackend', () => {
  it('says how to configure a backend without URL', () => {
    const { http } = backend({ url: undefined });
    expect(http.configured).toBe(false);
    expect(() => http.requireConfigured()).toThrow(NotConfiguredError);
    expect(() => http.requireConfigured()).toThrow(/PROMETHEUS_URL \(--prometheus-url\)/);
  });

  it('sends the bearer token from a file and re-reads it when it changes', async () => {
    const file = join(dir, 'token');
    writeFileSync(file, 'first-token\n');
    const { http } = backend({ tokenFile: file });
    expect((await http.json('/echo', echo)).authorization).toBe('Bearer first-token');
    writeFileSync(file, 'second-token-longer\n');
    expect((await http.json('/echo', echo)).authorization).toBe('Bearer second-token-longer');
  });

  it('sends basic auth from username and password file', async () => {
    const file = join(dir, 'password');
    writeFileSync(file, 'pw');
    const { http } = backend({ username: 'bob', passwordFile: file });
    const got = await http.json('/echo', echo);
    expect(got.authorization).toBe(`Basic ${Buffer.from('bob:pw').toString('base64')}`);
  });

  it('moves credentials out of the URL into basic auth and never shows them', async () => {
    const { http } = backend({ url: base.replace('http://', 'http://alice:s3cret@') });
    expect(http.baseUrl).toBe(base);
    const got = await http.json('/echo', echo);
    expect(got.authorization).toBe(`Basic ${Buffer.from('alice:s3cret').toString('base64')}`);
    const err = await failure(http.request('/forbidden'));
    expect(err.message).not.toContain('s3cret');
  });

  it('sends the configured extra headers (Loki tenant)', async () => {
    const { http } = backend({ headers: { 'X-Scope-OrgID': 'team-a' } });
    expect((await http.json('/echo', echo)).tenant).toBe('team-a');
  });

  it('names the credentials setting when the token file is missing', async () => {
    const { http } = backend({ tokenFile: join(dir, 'absent') });
    const err = await failure(http.request('/echo'));
    expect(err.message).toMatch(/PROMETHEUS_TOKEN_FILE .*ENOENT/);
  });

  it('fails an answer larger than the byte cap with advice to narrow the query', async () => {
    const { http } = backend({}, 1024);
    const err = await failure(http.request('/big'));
    expect(err.message).toMatch(/larger than 1024 bytes.*narrow the query/);
  });

  it('times out a backend that never answers', async () => {
    const { http, metrics } = backend({ timeoutMs: 200 });
    const err = await failure(http.request('/hang'));
    expect(err.message).toMatch(/did not answer within 200 ms at http:\/\/127\.0\.0\.1:\d+\/hang/);
    const counted = (await metrics.upstreamRequests.get()).values.find(
      (v) => v.labels.status_class === 'timeout',
    );
    expect(counted?.value).toBe(1);
  });

  it('stops when the caller aborts', async () => {
    const { http } = backend({ timeoutMs: 10_000 });
    const ctl = new AbortController();
    const p = http.request('/hang', { signal: ctl.signal });
    ctl.abort();
    expect((await failure(p)).message).toMatch(/cancelled/);
  });

  it('reports an unreachable backend with its URL', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const { http } = backend({ url: `http://127.0.0.1:${port}` });
    const err = await failure(http.request('/api/v1/query', { query: { query: 'up' } }));
    expect(err.message).toBe(
      `Prometheus is unreachable at http://127.0.0.1:${port}/api/v1/query: ECONNREFUSED`,
    );
  });

  it('maps an error status to backend, URL, status and a short masked excerpt', async () => {
    const { http, metrics } = backend({ token: 'sent-token' });
    const err = await failure(http.request('/fail', { query: { query: 'secret-query' } }));
    expect(err.details.status).toBe(500);
    expect(err.details.url).toBe(`${base}/fail`);
    expect(err.message).toContain(`Prometheus at ${base}/fail answered HTTP 500: internal failure`);
    expect(err.message).not.toContain('leaked-token');
    expect(err.message).not.toContain('secret-query');
    expect(err.message).not.toContain('sent-token');
    expect(err.details.body!.length).toBeLessThanOrEqual(1100);
    const counted = (await metrics.upstreamRequests.get()).values.find(
      (v) => v.labels.status_class === '5xx',
    );
    expect(counted?.value).toBe(1);
  });

  it('points at the credentials on 403', async () => {
    const { http } = backend();
    expect((await failure(http.request('/forbidden'))).message).toMatch(
      /Check the credentials \(PROMETHEUS_TOKEN_FILE/,
    );
  });

  it('returns statuses the caller handles itself', async () => {
    const { http } = backend();
    const res = await http.request('/forbidden', { passStatuses: [403] });
    expect(res.status).toBe(403);
    expect(res.text).toBe('forbidden');
  });

  it('rejects an answer of the wrong shape', async () => {
    const { http } = backend();
    const err = await failure(http.json('/echo', z.object({ status: z.literal('success') })));
    expect(err.message).toMatch(
      /unexpected shape \(status: .*\); is PROMETHEUS_URL pointing at Prometheus\?/,
    );
  });
});
