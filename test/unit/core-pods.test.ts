import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Raw } from '../../src/clients/kube-core.ts';
import { isProblemPod, projectPod, RECENT_RESTART_MS } from '../../src/tools/core/pods.ts';

type Pod = Raw<V1Pod>;
const NOW = Date.parse('2025-06-01T12:00:00Z');
const ago = (ms: number): string => new Date(NOW - ms).toISOString();

/** A running, ready single-container pod; tests override what they are about. */
function pod(
  over: {
    phase?: string;
    containers?: Record<string, unknown>[];
    init?: Record<string, unknown>[];
    status?: Record<string, unknown>;
    meta?: Record<string, unknown>;
    spec?: Record<string, unknown>;
  } = {},
): Pod {
  const containers = over.containers ?? [
    { name: 'app', ready: true, restartCount: 0, state: { running: {} } },
  ];
  return {
    metadata: { namespace: 'shop', name: 'web-1', creationTimestamp: ago(3 * 86_400_000), ...over.meta },
    spec: {
      nodeName: 'node-a',
      containers: containers.map((c) => ({ name: c.name as string })),
      ...over.spec,
    },
    status: {
      phase: over.phase ?? 'Running',
      containerStatuses: containers,
      initContainerStatuses: over.init,
      ...over.status,
    },
  } as Pod;
}

describe('isProblemPod', () => {
  it.each<[string, Pod, boolean]>([
    ['running and ready', pod(), false],
    [
      'succeeded',
      pod({
        phase: 'Succeeded',
        containers: [
          {
            name: 'app',
            ready: false,
            restartCount: 0,
            state: { terminated: { exitCode: 0, reason: 'Completed' } },
          },
        ],
      }),
      false,
    ],
    ['failed', pod({ phase: 'Failed' }), true],
    ['pending', pod({ phase: 'Pending' }), true],
    ['unknown', pod({ phase: 'Unknown' }), true],
    ['no status at all', { metadata: { name: 'x' } } as Pod, true],
    [
      'running, one of two containers not ready',
      pod({
        containers: [
          { name: 'a', ready: true, restartCount: 0 },
          { name: 'b', ready: false, restartCount: 0 },
        ],
      }),
      true,
    ],
    [
      'running, Ready condition False (readiness gate)',
      pod({ status: { conditions: [{ type: 'Ready', status: 'False' }] } }),
      true,
    ],
    [
      'waiting in CrashLoopBackOff',
      pod({
        containers: [
          { name: 'app', ready: true, restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      }),
      true,
    ],
    [
      'sidecar init container waiting on ImagePullBackOff',
      pod({
        init: [
          { name: 'proxy', ready: true, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } },
        ],
      }),
      true,
    ],
    [
      'waiting in ContainerCreating is not an error',
      pod({
        containers: [
          { name: 'app', ready: true, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
        ],
      }),
      false,
    ],
    [
      'restarted within the hour',
      pod({
        containers: [
          {
            name: 'app',
            ready: true,
            restartCount: 1,
            lastState: {
              terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: ago(RECENT_RESTART_MS - 60_000) },
            },
          },
        ],
      }),
      true,
    ],
    [
      'restarted more than an hour ago',
      pod({
        containers: [
          {
            name: 'app',
            ready: true,
            restartCount: 1,
            lastState: { terminated: { exitCode: 1, finishedAt: ago(RECENT_RESTART_MS + 60_000) } },
          },
        ],
      }),
      false,
    ],
  ])('%s → %s', (_name, p, expected) => {
    expect(isProblemPod(p, NOW)).toBe(expected);
  });
});

describe('projectPod', () => {
  it('projects a healthy pod to its columns and omits empty ones', () => {
    const p = pod({
      meta: {
        ownerReferences: [
          { kind: 'ReplicaSet', name: 'web-7d9', controller: true, apiVersion: 'apps/v1', uid: 'u' },
        ],
      },
    });
    expect(projectPod(p, NOW)).toEqual({
      namespace: 'shop',
      name: 'web-1',
      phase: 'Running',
      ready: '1/1',
      restarts: 0,
      node: 'node-a',
      owner: 'ReplicaSet/web-7d9',
      age: '3d',
    });
  });

  it('shows an OOMKilled CrashLoopBackOff container: waiting reason, restarts and last termination', () => {
    const p = pod({
      containers: [
        {
          name: 'app',
          ready: false,
          restartCount: 7,
          state: {
            waiting: { reason: 'CrashLoopBackOff', message: 'back-off 5m0s restarting failed container' },
          },
          lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: ago(120_000) } },
        },
      ],
    });
    const item = projectPod(p, NOW);
    expect(item).toMatchObject({
      ready: '0/1',
      restarts: 7,
      problem: true,
      waiting: {
        container: 'app',
        reason: 'CrashLoopBackOff',
        message: 'back-off 5m0s restarting failed container',
      },
      lastTermination: { container: 'app', reason: 'OOMKilled', exitCode: 137, at: ago(120_000) },
    });
  });

  it('prefers an error waiting reason over a starting one and keeps the newest termination', () => {
    const p = pod({
      containers: [
        { name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } },
        {
          name: 'b',
          ready: false,
          restartCount: 2,
          state: { waiting: { reason: 'CreateContainerConfigError', message: 'secret "x" not found' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(50_000) } },
        },
        {
          name: 'c',
          ready: true,
          restartCount: 1,
          lastState: { terminated: { exitCode: 2, reason: 'Error', finishedAt: ago(10_000) } },
        },
      ],
    });
    const item = projectPod(p, NOW);
    expect(item.waiting).toEqual({
      container: 'b',
      reason: 'CreateContainerConfigError',
      message: 'secret "x" not found',
    });
    expect(item.lastTermination).toEqual({ container: 'c', reason: 'Error', exitCode: 2, at: ago(10_000) });
    expect(item.restarts).toBe(3);
    expect(item.ready).toBe('1/3');
  });

  it('shows the scheduler verdict of an unschedulable pod, bounded', () => {
    const long = `0/3 nodes are available: ${'1 node(s) had untolerated taint. '.repeat(20)}`;
    const p = pod({
      phase: 'Pending',
      containers: [],
      spec: { nodeName: undefined, containers: [{ name: 'app' }] },
      status: {
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: long }],
      },
    });
    const item = projectPod(p, NOW);
    expect(item.reason).toBe('Unschedulable');
    expect(item.message!.length).toBeLessThanOrEqual(200);
    expect(item.message!.endsWith('…')).toBe(true);
    expect(item.ready).toBe('0/1');
    expect(item.node).toBeUndefined();
  });

  it('marks a pod being deleted and shows an eviction reason', () => {
    const p = pod({
      phase: 'Failed',
      meta: { deletionTimestamp: ago(1000) },
      status: { reason: 'Evicted', message: 'The node was low on resource: memory.' },
    });
    expect(projectPod(p, NOW)).toMatchObject({ terminating: true, reason: 'Evicted', problem: true });
  });

  it('ignores the normal Completed state of init containers as last termination', () => {
    const p = pod({
      init: [
        {
          name: 'migrate',
          ready: false,
          restartCount: 0,
          state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: ago(1000) } },
        },
      ],
    });
    expect(projectPod(p, NOW).lastTermination).toBeUndefined();
  });
});
