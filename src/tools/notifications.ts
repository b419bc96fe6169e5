/** get_notifications: recent ntfy messages of one or a few topics, newest first. */
import { z } from 'zod';
import { NTFY_TOPIC, type NtfyMessage, ntfyPoll } from '../clients/ntfy.ts';
import { listOutputSchema, listResult } from '../mcp/envelope.ts';
import { CallerError } from '../mcp/errors.ts';
import { defineTool } from '../mcp/tool.ts';
import { formatAge, parseDuration } from '../util/duration.ts';
import { redactSecrets } from '../util/redact.ts';
import { clip } from './obs-shared.ts';

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 500;
const MAX_TOPICS = 10;
const DEFAULT_SINCE = '24h';
/** ntfy's priority names; a message without a priority has the default, 3. */
const PRIORITY_NAMES = ['', 'min', 'low', 'default', 'high', 'max'];
/** ntfy message ids: 12 characters. */
const MESSAGE_ID = /^[A-Za-z0-9]{12}$/;

const item = z.object({
  id: z.string(),
  time: z.string(),
  age: z.string(),
  topic: z.string(),
  title: z.string().optional(),
  message: z.string().optional(),
  priority: z.number().int(),
  priorityName: z.string(),
  tags: z.array(z.string()).optional(),
  click: z.string().optional(),
  attachment: z.string().optional(),
});
type Item = z.output<typeof item>;

const summary = z.object({ topics: z.array(z.string()), since: z.string() });

/** Topics from the argument or the configured default, each checked before any request is made. */
function topicsOf(arg: string | undefined, fallback: string | undefined): string[] {
  const text = arg ?? fallback;
  if (text === undefined) {
    throw new CallerError(
      'give topic: this server has no default ntfy topic (NTFY_DEFAULT_TOPIC / --ntfy-default-topic).',
    );
  }
  const topics = [...new Set(text.split(',').map((t) => t.trim()))];
  const bad = topics.filter((t) => !NTFY_TOPIC.test(t));
  if (bad.length > 0) {
    throw new CallerError(
      `invalid topic ${bad.map((t) => JSON.stringify(t.slice(0, 80))).join(', ')}: a topic is 1-64 letters, digits, '-' or '_'; separate several with commas.`,
    );
  }
  if (topics.length > MAX_TOPICS) throw new CallerError(`at most ${MAX_TOPICS} topics per call.`);
  return topics;
}

/**
 * Turns `since` into what ntfy accepts plus a local lower bound: `all`, unix seconds, a message id, or a
 * duration (sent as a unix time, so both sides agree on the cut).
 */
function sinceOf(text: string, now: number): { ntfy: string; minTime?: number } {
  const s = text.trim();
  if (s === 'all') return { ntfy: 'all' };
  if (/^\d{9,12}$/.test(s)) return { ntfy: s, minTime: Number(s) };
  try {
    const t = Math.floor((now - parseDuration(s, 'since')) / 1000);
    return { ntfy: String(t), minTime: t };
  } catch {
    if (MESSAGE_ID.test(s)) return { ntfy: s };
    throw new CallerError(
      `since: "${s.slice(0, 40)}" is not a duration (24h, 7d), unix time, message id or "all".`,
    );
  }
}

function project(m: NtfyMessage, now: number, redact: boolean): Item {
  const priority = m.priority && m.priority >= 1 && m.priority <= 5 ? m.priority : 3;
  const out: Item = {
    id: m.id,
    time: new Date(m.time * 1000).toISOString(),
    age: formatAge(now - m.time * 1000),
    topic: m.topic,
    priority,
    priorityName: PRIORITY_NAMES[priority]!,
  };
  const mask = (s: string): string => (redact ? redactSecrets(s) : s);
  if (m.title) out.title = clip(mask(m.title), 200);
  if (m.message) out.message = clip(mask(m.message), 1000);
  if (m.tags && m.tags.length > 0) out.tags = m.tags;
  if (m.click) out.click = clip(m.click, 500);
  if (m.attachment?.name || m.attachment?.url)
    out.attachment = clip(m.attachment.name ?? m.attachment.url!, 300);
  return out;
}

export const getNotifications = defineTool({
  name: 'get_notifications',
  title: 'ntfy notifications',
  description: 'Recent ntfy notifications of a topic: title, message, priority, tags, time; newest first.',
  input: z.object({
    topic: z.string().optional().describe('Topic(s), comma-separated; default from config'),
    since: z.string().optional().describe(`Duration, unix time, message id or all; default ${DEFAULT_SINCE}`),
    minPriority: z.number().int().min(1).max(5).optional().describe('1-5 (3 = default)'),
    tags: z.array(z.string()).max(10).optional().describe('All required'),
    limit: z.number().int().min(1).max(MAX_LIMIT).default(DEFAULT_LIMIT),
  }),
  output: listOutputSchema(item, summary),
  handler: async (args, ctx) => {
    const http = ctx.clients.ntfy;
    http.requireConfigured();
    const topics = topicsOf(args.topic, ctx.config.ntfyDefaultTopic);
    const now = Date.now();
    const since = sinceOf(args.since ?? DEFAULT_SINCE, now);
    const tags = args.tags?.map((t) => t.trim().toLowerCase());
    if (tags?.some((t) => t.includes(','))) throw new CallerError('tags: one tag per entry, without commas.');
    const priorities = args.minPriority ? [1, 2, 3, 4, 5].filter((p) => p >= args.minPriority!) : undefined;

    const raw = await ntfyPoll(http, { topics, since: since.ntfy, priorities, tags }, ctx.signal);
    // ntfy filters too; filtering again keeps the contract when a proxy or an older server ignores a parameter.
    const matched = raw
      .map((m, i) => ({ m, i }))
      .filter(({ m }) => {
        if (since.minTime !== undefined && m.time < since.minTime) return false;
        if (args.minPriority && (m.priority || 3) < args.minPriority) return false;
        if (tags && tags.length > 0) {
          const have = new Set((m.tags ?? []).map((t) => t.toLowerCase()));
          if (!tags.every((t) => have.has(t))) return false;
        }
        return true;
      })
      // ntfy sends oldest first: newest first, later arrival first within the same second.
      .sort((a, b) => b.m.time - a.m.time || b.i - a.i);
    const redact = ctx.config.redactSecrets;
    return listResult({
      items: matched.slice(0, args.limit).map(({ m }) => project(m, now, redact)),
      total: matched.length,
      summary: { topics, since: args.since ?? DEFAULT_SINCE },
      emptyHint: `No messages on ${topics.join(', ')} since ${args.since ?? DEFAULT_SINCE}; try since "7d" or "all" (ntfy keeps messages only for its cache duration, 12h by default), or loosen minPriority/tags.`,
    });
  },
});
