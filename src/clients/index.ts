import type { BackendName, Config } from '../config.ts';
import type { Metrics } from '../metrics.ts';
import { HttpBackend } from './http.ts';
import { KubeClient } from './kube.ts';

/** Every backend client; the only code that does I/O. */
export interface Clients {
  kube: KubeClient;
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
  await clients.kube.close();
}
