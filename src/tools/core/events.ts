import type { CoreV1Event } from '@kubernetes/client-node';
import { z } from 'zod';
import {
  assertNamespaceExists,
  checkName,
  fieldValue,
  joinSelectors,
  listEach,
  type Raw,
  resourcePath,
} from '../../clients/kube-core.ts';
import { listOutputSchema, listResult } from '../../mcp/envelope.ts';
import { CallerError } from '../../mcp/errors.ts';
import { defineTool } from '../../mcp/tool.ts';
import { formatAge, parseDuration } from '../../util/duration.ts';
import { clip, compact, PARAM } from './page.ts';

type Event = Raw<CoreV1Event>;

/** Events read at most per call; the API cannot filter by time, so a busy cluster is scanned up to here. */
export const MAX_EVENTS_SCANNED = 20_000;
/** Longest `since` accepted: the API server keeps events for an hour by default, rarely more than days. */
const MAX_SINCE_MS = 30 * 86_400_000;
const MESSAGE_CHARS = 300;
const TOP_REASONS = 5;

const eventItem = z.object({
  lastSeen: z.string(),
  ago: z.string(),
  type: z.string(),
  reason: z.string().optional(),
  kind: z.string(),
  namespace: z.string().optional(),
  name: z.string(),
  message: z.string().optional(),
  count: z.number(),
  source: z.string().optional(),
});

export type EventItem = z.infer<typeof eventItem>;

/** When an event last happened: series, lastTimestamp, eventTime, firstTimestamp, then creation, as available. */
export function lastSeenOf(e: Event): string | undefined {
  return (
    e.series?.lastObservedTime ||
    e.lastTimestamp ||
    e.eventTime ||
    e.firstTimestamp ||
    e.metadata?.creationTimestamp ||
    undefined
  );
}

/** One format for every event time (core/v1 has seconds, events.k8s.io microseconds): milliseconds only when set. */
function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, 'Z');
}

interface Folded {
  item: EventItem;
  at: number;
}

/**
 * Folds events into one row per (involved object, type, reason, message), summing counts and keeping the latest
 * time, then orders newest first (ties by namespace, name, reason). Events older than `cutoff` are dropped.
 */
export function foldEvents(events: Iterable<Event>, cutoff: number, now: number): EventItem[] {
  const rows = new Map<string, Folded>();
  for (const e of events) {
    const seen = lastSeenOf(e);
    const at = seen ? Date.parse(seen) : Number.NaN;
    if (Number.isNaN(at) || at < cutoff) continue;
    const o = e.involvedObject;
    const message = clip(e.message, MESSAGE_CHARS);
    const key = JSON.stringify([o?.kind, o?.namespace, o?.name, e.type, e.reason, message]);
    const count = e.series?.count ?? e.count ?? 1;
    const row = rows.get(key);
    if (row) {
      row.item.count += count;
      if (at > row.at) {
        row.at = at;
        row.item.lastSeen = rfc3339(at);
        row.item.ago = formatAge(now - at);
      }
      continue;
    }
    rows.set(key, {
      at,
      item: compact({
        lastSeen: rfc3339(at),
        ago: formatAge(now - at),
        type: e.type ?? 'Normal',
        reason: e.reason || undefined,
        kind: o?.kind ?? '',
        // Empty for cluster-scoped objects (nodes), whose events live in `default`.
        namespace: o?.namespace,
        name: o?.name ?? '',
        message,
        count,
        source: e.reportingComponent || e.source?.component || undefined,
      }),
    });
  }
  const out = [...rows.values()];
  out.sort((a, b) => {
    if (a.at !== b.at) return b.at - a.at;
    const ka = [a.item.namespace ?? '', a.item.name, a.item.reason].join('\0');
    const kb = [b.item.namespace ?? '', b.item.name, b.item.reason].join('\0');
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return out.map((r) => r.item);
}

const summary = z.object({
  byType: z.record(z.string(), z.number()),
  topReasons: z.array(z.object({ reason: z.string(), count: z.number() })),
});

export const getEvents = defineTool({
  name: 'get_events',
  title: 'Events',
  description:
    'Recent Kubernetes events, newest first, repeats folded; filter by type, object, reason; top reasons.',
  input: z.object({
    namespace: z.string().optional().describe(PARAM.namespace),
    type: z.enum(['Warning', 'Normal']).optional().describe('Default both.'),
    kind: z.string().optional().describe('Object kind, e.g. Pod'),
    name: z.string().optional().describe('Object name'),
    reason: z.string().optional().describe('e.g. BackOff'),
    since: z.string().default('1h').describe('e.g. 15m, 24h; max 30d'),
    limit: z.number().int().min(1).max(500).default(50),
  }),
  output: listOutputSchema(eventItem, summary),
  handler: async (args, ctx) => {
    const now = Date.now();
    const sinceMs = parseDuration(args.since, 'since');
    if (sinceMs <= 0 || sinceMs > MAX_SINCE_MS)
      throw new CallerError(
        `since: "${args.since}" is out of range; use a duration above 0 and at most 30d.`,
      );
    if (args.namespace) checkName(args.namespace, 'namespace', 'label');
    const fieldSelector = joinSelectors(
      args.type && `type=${args.type}`,
      args.reason && `reason=${fieldValue(args.reason)}`,
      args.kind && `involvedObject.kind=${fieldValue(args.kind)}`,
      args.name && `involvedObject.name=${fieldValue(args.name)}`,
    );
    const events: Event[] = [];
    const scan = await listEach<Event>(
      ctx.clients.kube,
      resourcePath({ version: 'v1', resource: 'events', namespace: args.namespace }),
      { verb: 'list', resource: 'events', namespace: args.namespace },
      { signal: ctx.signal, fieldSelector, maxItems: MAX_EVENTS_SCANNED },
      (e) => {
        events.push(e);
      },
    );
    const rows = foldEvents(events, now - sinceMs, now);
    if (rows.length === 0 && args.namespace)
      await assertNamespaceExists(ctx.clients.kube, args.namespace, ctx.signal);

    const byType: Record<string, number> = {};
    const reasons = new Map<string, number>();
    for (const r of rows) {
      byType[r.type] = (byType[r.type] ?? 0) + 1;
      if (r.reason) reasons.set(r.reason, (reasons.get(r.reason) ?? 0) + 1);
    }
    const topReasons = [...reasons]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, TOP_REASONS)
      .map(([reason, count]) => ({ reason, count }));
    const items = rows.slice(0, args.limit);
    let hint: string | undefined;
    if (!scan.complete)
      hint = `Only the first ${MAX_EVENTS_SCANNED} events were read; narrow with namespace, type, kind, name or reason.`;
    else if (items.length < rows.length)
      hint = `Showing the newest ${items.length} of ${rows.length}; narrow with type, kind, name, reason or since, or raise limit.`;
    return listResult({
      items,
      total: scan.complete ? rows.length : null,
      truncated: items.length < rows.length || !scan.complete,
      summary: { byType, topReasons },
      hint,
      emptyHint:
        args.kind && /^[a-z]/.test(args.kind)
          ? `No events match; kind is case-sensitive: try "${args.kind[0]!.toUpperCase()}${args.kind.slice(1)}".`
          : `No events match in the last ${args.since}; widen since (the API server keeps events about 1h by default) or loosen the filters.`,
    });
  },
});
