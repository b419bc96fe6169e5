import type { CoreV1Event } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Raw } from '../../src/clients/kube-core.ts';
import { foldEvents, lastSeenOf } from '../../src/tools/core/events.ts';

type Event = Raw<CoreV1Event>;
const NOW = Date.parse('2025-06-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();

function ev(over: Partial<Event> & { obj?: string; at?: string }): Event {
  const [kind, namespace, name] = (over.obj ?? 'Pod/shop/web-1').split('/');
  return {
    metadata: { name: `e-${Math.random()}`, namespace },
    involvedObject: { kind, namespace, name },
    type: 'Warning',
    reason: 'BackOff',
    message: 'Back-off restarting failed container',
    count: 1,
    lastTimestamp: over.at ?? ago(60_000),
    source: { component: 'kubelet' },
    ...over,
  } as Event;
}

describe('lastSeenOf', () => {
  it.each<[string, Partial<Event>, string | undefined]>([
    ['series wins', { series: { lastObservedTime: 'S', count: 2 }, lastTimestamp: 'L', eventTime: 'E' }, 'S'],
    ['then lastTimestamp', { lastTimestamp: 'L', eventTime: 'E' }, 'L'],
    ['then eventTime', { eventTime: 'E', firstTimestamp: 'F' }, 'E'],
    ['then firstTimestamp', { firstTimestamp: 'F' }, 'F'],
    ['then creation', { metadata: { creationTimestamp: 'C' } }, 'C'],
    ['else nothing', {}, undefined],
  ])('%s', (_n, e, out) => {
    expect(lastSeenOf({ involvedObject: {}, metadata: {}, ...e } as Event)).toBe(out);
  });
});

describe('foldEvents', () => {
  it('folds repeats of one (object, type, reason, message) summing counts and keeping the latest time', () => {
    const rows = foldEvents(
      [
        ev({ count: 3, at: ago(600_000) }),
        ev({ count: 4, at: ago(60_000) }),
        ev({ obj: 'Pod/shop/web-2', count: 1, at: ago(120_000) }),
      ],
      NOW - 3_600_000,
      NOW,
    );
    expect(rows).toEqual([
      {
        lastSeen: ago(60_000).replace('.000Z', 'Z'),
        ago: '1m',
        type: 'Warning',
        reason: 'BackOff',
        kind: 'Pod',
        namespace: 'shop',
        name: 'web-1',
        message: 'Back-off restarting failed container',
        count: 7,
        source: 'kubelet',
      },
      expect.objectContaining({ name: 'web-2', count: 1, ago: '2m' }),
    ]);
  });

  it('writes every time the same way, whether the API sent seconds or microseconds', () => {
    const rows = foldEvents(
      [
        ev({ obj: 'Pod/a/x', at: '2025-06-01T11:59:00Z' }),
        ev({ obj: 'Pod/a/y', lastTimestamp: undefined, eventTime: '2025-06-01T11:58:00.000000Z' }),
        ev({ obj: 'Pod/a/z', at: '2025-06-01T11:57:00.123456Z' }),
      ],
      0,
      NOW,
    );
    expect(rows.map((r) => r.lastSeen)).toEqual([
      '2025-06-01T11:59:00Z',
      '2025-06-01T11:58:00Z',
      '2025-06-01T11:57:00.123Z',
    ]);
  });

  it('drops events older than the cutoff', () => {
    const rows = foldEvents(
      [ev({ at: ago(7_200_000) }), ev({ obj: 'Pod/shop/new', at: ago(60_000) })],
      NOW - 3_600_000,
      NOW,
    );
    expect(rows.map((r) => r.name)).toEqual(['new']);
  });

  it('orders newest first, ties by namespace and name', () => {
    const at = ago(5000);
    const rows = foldEvents(
      [
        ev({ obj: 'Pod/b/x', at }),
        ev({ obj: 'Pod/a/y', at }),
        ev({ obj: 'Pod/a/x', at }),
        ev({ obj: 'Pod/z/z', at: ago(1000) }),
      ],
      0,
      NOW,
    );
    expect(rows.map((r) => `${r.namespace}/${r.name}`)).toEqual(['z/z', 'a/x', 'a/y', 'b/x']);
  });

  it('bounds messages to 300 characters and uses the series count and reporting component', () => {
    const rows = foldEvents(
      [
        ev({
          message: 'm'.repeat(1000),
          count: undefined,
          series: { count: 9, lastObservedTime: ago(1000) },
          reportingComponent: 'scheduler',
        }),
      ],
      0,
      NOW,
    );
    expect(rows[0]!.message!.length).toBe(300);
    expect(rows[0]!.count).toBe(9);
    expect(rows[0]!.source).toBe('scheduler');
  });
});
