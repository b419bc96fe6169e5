/**
 * Alertmanager API v2: the alert list (`GET /api/v2/alerts`). A 400 (bad matcher or receiver regex) becomes a
 * CallerError carrying Alertmanager's message, which is a JSON string.
 */
import { z } from 'zod';
import { CallerError } from '../mcp/errors.ts';
import type { HttpBackend } from './http.ts';

const labels = z.record(z.string(), z.string());

/** One gettableAlert of the v2 OpenAPI spec (fields this server reads; unknown ones are ignored). */
export const amAlert = z.object({
  labels,
  annotations: labels.optional().default({}),
  startsAt: z.string(),
  endsAt: z.string().optional(),
  updatedAt: z.string().optional(),
  fingerprint: z.string(),
  generatorURL: z.string().optional(),
  receivers: z
    .array(z.object({ name: z.string() }))
    .optional()
    .default([]),
  status: z.object({
    state: z.string(),
    silencedBy: z.array(z.string()).nullish(),
    inhibitedBy: z.array(z.string()).nullish(),
    mutedBy: z.array(z.string()).nullish(),
  }),
});
export type AmAlert = z.output<typeof amAlert>;

export interface AmAlertQuery {
  active: boolean;
  silenced: boolean;
  inhibited: boolean;
  unprocessed: boolean;
  /** Label matchers such as `alertname=~"Kube.*"`, one per entry. */
  filter?: string[];
  /** Regex over receiver names. */
  receiver?: string;
}

/** Lists alerts; Alertmanager applies the state toggles, matchers and receiver regex. */
export async function amListAlerts(
  http: HttpBackend,
  q: AmAlertQuery,
  signal: AbortSignal,
): Promise<AmAlert[]> {
  const res = await http.request('/api/v2/alerts', {
    query: {
      active: q.active,
      silenced: q.silenced,
      inhibited: q.inhibited,
      unprocessed: q.unprocessed,
      filter: q.filter && q.filter.length > 0 ? q.filter : undefined,
      receiver: q.receiver,
    },
    signal,
    passStatuses: [400],
  });
  if (res.status === 400) {
    let message = res.text.trim();
    try {
      const parsed: unknown = JSON.parse(message);
      if (typeof parsed === 'string') message = parsed;
      else if (parsed && typeof parsed === 'object' && 'message' in parsed) message = String(parsed.message);
    } catch {
      // plain-text body: shown as is
    }
    throw new CallerError(
      `Alertmanager rejected the request: ${message.slice(0, 1024)}. Matchers look like alertname="X", severity=~"critical|warning", namespace!="kube-system".`,
    );
  }
  return http.parseJson(res, z.array(amAlert));
}
