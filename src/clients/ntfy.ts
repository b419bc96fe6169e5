/**
 * ntfy: cached messages of one or more topics through the JSON subscribe endpoint with `poll=1` (without it the
 * endpoint streams forever). The answer is NDJSON, one event per line; only `message` events are kept.
 */
import { z } from 'zod';
import { CallerError } from '../mcp/errors.ts';
import type { HttpBackend } from './http.ts';

/** Topic names ntfy accepts; checked before any request so a bad name never reaches the URL path. */
export const NTFY_TOPIC = /^[-_A-Za-z0-9]{1,64}$/;

/** One event of the subscribe stream (server/types.go `message`); fields this server reads. */
export const ntfyEvent = z.object({
  id: z.string(),
  time: z.number(),
  event: z.string(),
  topic: z.string(),
  title: z.string().optional(),
  message: z.string().optional(),
  priority: z.number().int().optional(),
  tags: z.array(z.string()).optional(),
  click: z.string().optional(),
  attachment: z.object({ name: z.string().optional(), url: z.string().optional() }).optional(),
});
export type NtfyMessage = z.output<typeof ntfyEvent>;

export interface NtfyPoll {
  topics: string[];
  /** ntfy `since`: `all`, a unix time, a message id (or a duration). */
  since: string;
  /** ntfy priority filter: messages whose priority is any of these. */
  priorities?: number[];
  /** ntfy tag filter: messages carrying all of these. */
  tags?: string[];
}

/** Polls cached messages; non-message events and lines that are not events are skipped. */
export async function ntfyPoll(http: HttpBackend, q: NtfyPoll, signal: AbortSignal): Promise<NtfyMessage[]> {
  const bad = q.topics.filter((t) => !NTFY_TOPIC.test(t));
  if (bad.length > 0 || q.topics.length === 0) {
    throw new CallerError(
      `invalid ntfy topic ${bad.map((t) => JSON.stringify(t.slice(0, 80))).join(', ') || '(none)'}: a topic is 1-64 letters, digits, '-' or '_'.`,
    );
  }
  const res = await http.request(`/${q.topics.join(',')}/json`, {
    query: {
      poll: '1',
      since: q.since,
      priority: q.priorities && q.priorities.length > 0 ? q.priorities.join(',') : undefined,
      tags: q.tags && q.tags.length > 0 ? q.tags.join(',') : undefined,
    },
    headers: { accept: 'application/x-ndjson, application/json' },
    signal,
  });
  const out: NtfyMessage[] = [];
  for (const line of res.text.split('\n')) {
    if (!line.trim()) continue;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      continue;
    }
    const parsed = ntfyEvent.safeParse(raw);
    if (parsed.success && parsed.data.event === 'message') out.push(parsed.data);
  }
  return out;
}
