import type { BackendName, Config } from '../config.ts';
import type { Metrics } from '../metrics.ts';
import type { PodRecord } from '../tools/core/pods.ts';
import { HttpBackend } from './http.ts';
import { KubeClient } from './kube.ts';
import type { PodCache } from './pod-cache.ts';

/** Every backend client; the only code that does I/O. */
export interface Clients {
  kube: KubeClient;
  /** Watch-backed pod cache, when enabled (app.ts starts and stops it). */
  podCache?: PodCache<PodRecord>;
  prometheus: HttpBackend;
  alertmanager: HttpBackend;
  loki: HttpBackend;
  ntfy: HttpBackend;
}

export const HTTP_BACKENDS: readonly BackendName[] = ['prometheus', 'alertmanager', 'loki', 'ntfy'];

export function createClients(config: Config, metrics: Metrics): Clients {
  const http = (name: BackendName): HttpBackend =>
    new HttpBackend(config.backends[name], config.limits.backendMaxResponseBytes, metrics);
  return {
    kube: KubeClient.create(config, metrics),
    prometheus: http('prometheus'),
    alertmanager: http('alertmanager'),
    loki: http('loki'),
    ntfy: http('ntfy'),
  };
}

export async function closeClients(clients: Clients): Promise<void> {
  // The cache's watch holds a connection of the kube client's pool: end it first.
  await clients.podCache?.stop();
  await clients.kube.close();
  for (const name of HTTP_BACKENDS) clients[name].close();
}
