/**
 * The typed backend clients against a loopback server that answers with upstream's documented envelopes, for the
 * answers the sandbox's real backends cannot be made to give (Prometheus warnings, 422/503 errors, Loki's JSON
 * error form, ntfy events other than messages).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { amListAlerts } from '../../src/clients/alertmanager.ts';
import { HttpBackend } from '../../src/clients/http.ts';
import { lokiQueryRange } from '../../src/clients/loki.ts';
import { ntfyPoll } from '../../src/clients/ntfy.ts';
import { promInstantQuery } from '../../src/clients/prometheus.ts';
import type { BackendName } from '../../src/config.ts';
import { CallerError, UpstreamError } from '../../src/mcp/errors.ts';
import { createMetrics } from '../../src/metrics.ts';

/** Canned answers by request path + query; each test registers its own. */
const answers = new Map<string, { status: number; body: string; type?: string }>();
const seen: string[] = [];
let server: Server;
let base: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.url ?? '');
    const a = answers.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!a) return res.writeHead(404).end('not found');
    res.writeHead(a.status, { 'content-type': a.type ?? 'application/json' }).end(a.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function http(name: BackendName): HttpBackend {
  return new HttpBackend({ name, url: base, timeoutMs: 2000, headers: {} }, 1 << 20, createMetrics());
}

const signal = new AbortController().signal;

async function rejection(p: Promise<unknown>): Promise<Error> {
  return p.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: Error) => e,
  );
}

describe('Prometheus client', () => {
  it('passes warnings and info annotations on', async () => {
    answers.set('/api/v1/query', {
      status: 200,
      body: JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result: [] },
        warnings: ['remote read partial'],
        infos: ['PromQL info: metric might not be a counter'],
      }),
    });
    const res = await promInstantQuery(http('prometheus'), { query: 'up' }, signal);
    expect(res.warnings).toEqual(['remote read partial', 'PromQL info: metric might not be a counter']);
  });

  it('turns an execution error (422) into a caller error with its message', async () => {
    answers.set('/api/v1/query', {
      status: 422,
      body: JSON.stringify({
        status: 'error',
        errorType: 'execution',
        error: 'many-to-many matching not allowed',
      }),
    });
    const err = await rejection(promInstantQuery(http('prometheus'), { query: 'a * b' }, signal));
    expect(err).toBeInstanceOf(CallerError);
    expect(err.message).toBe('Prometheus rejected the query (execution): many-to-many matching not allowed');
  });

  it('reports a query timeout (503) as an upstream failure', async () => {
    answers.set('/api/v1/query', {
      status: 503,
      body: JSON.stringify({
        status: 'error',
        errorType: 'timeout',
        error: 'query timed out in expression evaluation',
      }),
    });
    const err = await rejection(promInstantQuery(http('prometheus'), { query: 'up' }, signal));
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.message).toMatch(/failed the query \(timeout\): query timed out/);
  });
});

describe('Alertmanager client', () => {
  it("unwraps Alertmanager's JSON-string 400 message", async () => {
    answers.set('/api/v2/alerts', { status: 400, body: '"bad matcher format: alertname"\n' });
    const err = await rejection(
      amListAlerts(
        http('alertmanager'),
        { active: true, silenced: false, inhibited: false, unprocessed: true, filter: ['alertname'] },
        signal,
      ),
    );
    expect(err).toBeInstanceOf(CallerError);
    expect(err.message).toMatch(/^Alertmanager rejected the request: bad matcher format: alertname\. /);
  });

  it('sends the state toggles, every matcher and the receiver', async () => {
    answers.set('/api/v2/alerts', { status: 200, body: '[]' });
    seen.length = 0;
    await amListAlerts(
      http('alertmanager'),
      {
        active: true,
        silenced: false,
        inhibited: true,
        unprocessed: true,
        filter: ['a="1"', 'b=~"x|y"'],
        receiver: 'crit.*',
      },
      signal,
    );
    const q = new URL(seen[0]!, 'http://x').searchParams;
    expect(q.getAll('filter')).toEqual(['a="1"', 'b=~"x|y"']);
    expect([q.get('active'), q.get('silenced'), q.get('inhibited'), q.get('receiver')]).toEqual([
      'true',
      'false',
      'true',
      'crit.*',
    ]);
  });
});

describe('Loki client', () => {
  it('reads a JSON-form error message too', async () => {
    answers.set('/loki/api/v1/query_range', {
      status: 400,
      body: JSON.stringify({
        code: 400,
        status: 'error',
        message: 'parse error at line 1, col 3: syntax error',
      }),
    });
    const err = await rejection(
      lokiQueryRange(
        http('loki'),
        { query: '{a', startNs: 0n, endNs: 1n, limit: 1, direction: 'backward' },
        signal,
      ),
    );
    expect(err.message).toBe('Loki rejected the query {a: parse error at line 1, col 3: syntax error');
  });

  it('accepts entries carrying structured metadata', async () => {
    answers.set('/loki/api/v1/query_range', {
      status: 200,
      body: JSON.stringify({
        status: 'success',
        data: {
          resultType: 'streams',
          result: [{ stream: { a: '1' }, values: [['1700000000000000000', 'x', { trace_id: 't' }]] }],
        },
      }),
    });
    const res = await lokiQueryRange(
      http('loki'),
      { query: '{a="1"}', startNs: 0n, endNs: 1n, limit: 1, direction: 'backward' },
      signal,
    );
    expect(res.data.resultType).toBe('streams');
  });
});

describe('ntfy client', () => {
  it('always polls and keeps only message events', async () => {
    const lines = [
      { id: 'o1', time: 1, event: 'open', topic: 't' },
      { id: 'm1', time: 2, event: 'message', topic: 't', message: 'hello' },
      { id: 'k1', time: 3, event: 'keepalive', topic: 't' },
      { id: 'd1', time: 4, event: 'message_delete', topic: 't' },
    ].map((l) => JSON.stringify(l));
    answers.set('/t/json', {
      status: 200,
      body: `${lines.join('\n')}\nnot json\n`,
      type: 'application/x-ndjson',
    });
    seen.length = 0;
    const msgs = await ntfyPoll(http('ntfy'), { topics: ['t'], since: 'all' }, signal);
    expect(msgs.map((m) => m.id)).toEqual(['m1']);
    expect(new URL(seen[0]!, 'http://x').searchParams.get('poll')).toBe('1');
  });

  it('refuses a bad topic before any request', async () => {
    seen.length = 0;
    const err = await rejection(
      ntfyPoll(http('ntfy'), { topics: ['ok', '../v1/account'], since: 'all' }, signal),
    );
    expect(err).toBeInstanceOf(CallerError);
    expect(seen).toEqual([]);
  });
});
