import { describe, expect, it } from 'vitest';
import { boundText, findCondition, MESSAGE_MAX, readReadiness } from '../../src/tools/conditions.ts';

const ready = (extra: Record<string, unknown> = {}) => ({
  type: 'Ready',
  status: 'True',
  reason: 'ReconciliationSucceeded',
  message: 'Applied revision: main@sha1:4b825dc',
  lastTransitionTime: '2026-11-25T10:00:00Z',
  ...extra,
});

describe('readReadiness', () => {
  const cases: {
    name: string;
    obj: Parameters<typeof readReadiness>[0];
    want: Record<string, unknown>;
    absent?: string[];
  }[] = [
    {
      name: 'reads status, reason, message and since from the Ready condition',
      obj: { metadata: { generation: 3 }, status: { observedGeneration: 3, conditions: [ready()] } },
      want: {
        ready: 'True',
        reason: 'ReconciliationSucceeded',
        message: 'Applied revision: main@sha1:4b825dc',
        since: '2026-11-25T10:00:00Z',
      },
    },
    {
      name: 'a missing status reads as Unknown with no other fields',
      obj: { metadata: { generation: 1 } },
      want: { ready: 'Unknown' },
    },
    {
      name: 'a status without a Ready condition reads as Unknown',
      obj: { status: { conditions: [{ type: 'Reconciling', status: 'True' }] } },
      want: { ready: 'Unknown', reconciling: true },
    },
    {
      name: 'an odd status value reads as Unknown',
      obj: { status: { conditions: [ready({ status: 'Maybe' })] } },
      want: { ready: 'Unknown', reason: 'ReconciliationSucceeded' },
    },
    {
      name: 'generation ahead of status.observedGeneration is stale',
      obj: { metadata: { generation: 4 }, status: { observedGeneration: 3, conditions: [ready()] } },
      want: { ready: 'True', stale: true },
    },
    {
      name: "falls back to the Ready condition's observedGeneration (cert-manager)",
      obj: { metadata: { generation: 2 }, status: { conditions: [ready({ observedGeneration: 1 })] } },
      want: { stale: true },
    },
    {
      name: 'no observed generation at all is not called stale',
      obj: { metadata: { generation: 2 }, status: { conditions: [ready()] } },
      want: {},
      absent: ['stale'],
    },
    {
      name: 'a Reconciling condition that is False is not reconciling',
      obj: { status: { conditions: [ready(), { type: 'Reconciling', status: 'False' }] } },
      want: {},
      absent: ['reconciling'],
    },
    {
      name: 'malformed conditions are ignored',
      obj: { status: { conditions: 'nope' } },
      want: { ready: 'Unknown' },
    },
  ];
  for (const c of cases)
    it(c.name, () => {
      const got = readReadiness(c.obj);
      expect(got).toMatchObject(c.want);
      for (const k of c.absent ?? []) expect(got).not.toHaveProperty(k);
    });

  it('bounds long messages and collapses whitespace', () => {
    const long = `kustomize build failed:\n\n${'x'.repeat(2000)}`;
    const r = readReadiness({ status: { conditions: [ready({ status: 'False', message: long })] } });
    expect(r.message!.length).toBe(MESSAGE_MAX);
    expect(r.message).toMatch(/^kustomize build failed: x+…$/);
  });
});

describe('boundText', () => {
  it.each([
    ['short', 10, 'short'],
    ['a  b\n\tc', 10, 'a b c'],
    ['abcdefghijkl', 5, 'abcd…'],
  ])('%j bounded to %i is %j', (text, max, want) => {
    expect(boundText(text, max)).toBe(want);
  });
});

describe('findCondition', () => {
  it('finds by type and skips entries that are not objects', () => {
    expect(findCondition([null, 3, { type: 'Issuing', status: 'True' }], 'Issuing')).toEqual({
      type: 'Issuing',
      status: 'True',
    });
    expect(findCondition(undefined, 'Ready')).toBeUndefined();
  });
});
