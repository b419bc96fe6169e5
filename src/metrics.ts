import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** The server's own Prometheus metrics, on their own registry. Labels are low-cardinality by design. */
export interface Metrics {
  registry: Registry;
  toolCalls: Counter<'tool' | 'outcome'>;
  toolDuration: Histogram<'tool'>;
  responseBytes: Histogram<'tool'>;
  truncations: Counter<'tool'>;
  upstreamRequests: Counter<'backend' | 'status_class'>;
  upstreamDuration: Histogram<'backend'>;
  httpRequests: Counter<'route' | 'method' | 'status_class'>;
  httpDuration: Histogram<'route'>;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const reg = [registry];
  return {
    registry,
    toolCalls: new Counter({
      name: 'mcp_tool_calls_total',
      help: 'Tool calls by tool and outcome (ok, caller_error, upstream_error, internal_error).',
      labelNames: ['tool', 'outcome'],
      registers: reg,
    }),
    toolDuration: new Histogram({
      name: 'mcp_tool_call_duration_seconds',
      help: 'Tool call duration.',
      labelNames: ['tool'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: reg,
    }),
    responseBytes: new Histogram({
      name: 'mcp_tool_response_bytes',
      help: 'Size of tool results (JSON text) in bytes.',
      labelNames: ['tool'],
      buckets: [256, 1024, 4096, 16384, 65536, 262144, 1048576],
      registers: reg,
    }),
    truncations: new Counter({
      name: 'mcp_tool_truncations_total',
      help: 'Tool results cut to their limit.',
      labelNames: ['tool'],
      registers: reg,
    }),
    upstreamRequests: new Counter({
      name: 'mcp_upstream_requests_total',
      help: 'Requests to backends by backend and status class (2xx, 4xx, 5xx, error, timeout).',
      labelNames: ['backend', 'status_class'],
      registers: reg,
    }),
    upstreamDuration: new Histogram({
      name: 'mcp_upstream_request_duration_seconds',
      help: 'Backend request duration.',
      labelNames: ['backend'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: reg,
    }),
    httpRequests: new Counter({
      name: 'mcp_http_requests_total',
      help: 'HTTP requests by route, method and status class.',
      labelNames: ['route', 'method', 'status_class'],
      registers: reg,
    }),
    httpDuration: new Histogram({
      name: 'mcp_http_request_duration_seconds',
      help: 'HTTP request duration by route.',
      labelNames: ['route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: reg,
    }),
  };
}

/** 200 → "2xx"; anything that is not a number (network error, timeout) passes through. */
export function statusClass(status: number | string): string {
  return typeof status === 'number' ? `${Math.floor(status / 100)}xx` : status;
}
