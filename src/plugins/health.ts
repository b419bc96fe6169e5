import type { FastifyInstance } from 'fastify';
import { type Clients, HTTP_BACKENDS } from '../clients/index.ts';

interface Check {
  ok: boolean;
  latencyMs?: number;
  error?: string;
  configured?: boolean;
}

async function timed(fn: () => Promise<unknown>): Promise<Check> {
  const started = performance.now();
  try {
    await fn();
    return { ok: true, latencyMs: Math.round(performance.now() - started) };
  } catch (err) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), error: (err as Error).message };
  }
}

/** `/healthz`: the process is up. `/readyz`: the Kubernetes API answers; the body lists every backend. */
export async function healthPlugin(app: FastifyInstance, opts: { clients: Clients }): Promise<void> {
  const { clients } = opts;
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_req, reply) => {
    const signal = AbortSignal.timeout(5_000);
    const [kubernetes, ...rest] = await Promise.all([
      timed(() => clients.kube.get('/readyz', { signal }).catch(() => clients.kube.version(signal))),
      ...HTTP_BACKENDS.map((name) =>
        clients[name].configured
          ? timed(() => clients[name].ping(signal))
          : Promise.resolve<Check>({ ok: true, configured: false }),
      ),
    ]);
    const backends: Record<string, Check> = { kubernetes: kubernetes! };
    HTTP_BACKENDS.forEach((name, i) => {
      backends[name] = rest[i]!;
    });
    const ready = kubernetes!.ok;
    // Informational: readiness never waits for the pod cache (tools read from the API server until it syncs).
    const podCache = clients.podCache?.status();
    return reply
      .code(ready ? 200 : 503)
      .send({ status: ready ? 'ready' : 'not ready', backends, ...(podCache ? { podCache } : {}) });
  });
}
