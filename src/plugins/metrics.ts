import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../metrics.ts';
import { statusClass } from '../metrics.ts';

/** `/metrics` in Prometheus text format, and HTTP request metrics for every route. */
export async function metricsPlugin(
  app: FastifyInstance,
  opts: { metrics: Metrics; authorize?: (header: string | undefined) => boolean },
): Promise<void> {
  const { metrics } = opts;
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.inc({ route, method: req.method, status_class: statusClass(reply.statusCode) });
    metrics.httpDuration.observe({ route }, reply.elapsedTime / 1000);
  });
  app.get('/metrics', async (req, reply) => {
    if (opts.authorize && !opts.authorize(req.headers.authorization)) {
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized' });
    }
    const body = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(body);
  });
}
