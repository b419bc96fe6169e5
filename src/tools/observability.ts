/**
 * The observability tools: Alertmanager alerts, Loki logs, Prometheus metrics and ntfy notifications. Each lives
 * in its own module; this one gathers them for the tool index.
 */
import type { AnyTool } from '../mcp/tool.ts';
import { getAlerts } from './alerts.ts';
import { queryLogs } from './logs.ts';
import { queryMetrics } from './metrics.ts';
import { getNotifications } from './notifications.ts';

export { getAlerts, getNotifications, queryLogs, queryMetrics };

export const observabilityTools: AnyTool[] = [getAlerts, queryLogs, queryMetrics, getNotifications];
