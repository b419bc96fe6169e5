import type { V1DaemonSet, V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Raw } from '../../src/clients/kube-core.ts';
import {
  failingConditions,
  projectDaemonSet,
  projectDeployment,
  projectStatefulSet,
} from '../../src/tools/core/workloads.ts';

const NOW = Date.parse('2025-06-01T12:00:00Z');
const meta = { namespace: 'shop', name: 'web', creationTimestamp: '2025-05-31T12:00:00Z', generation: 3 };
const template = {
  spec: {
    containers: [
      { name: 'a', image: 'web:1' },
      { name: 'b', image: 'proxy:2' },
      { name: 'c', image: 'web:1' },
    ],
  },
};

describe('failingConditions', () => {
  it.each([
    [{ type: 'Available', status: 'True' }, false],
    [{ type: 'Available', status: 'False' }, true],
    [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }, true],
    [{ type: 'ReplicaFailure', status: 'True' }, true],
    [{ type: 'ReplicaFailure', status: 'False' }, false],
  ])('%j failing: %s', (c, failing) => {
    expect(failingConditions([c]).length > 0).toBe(failing);
  });
});

describe('projectDeployment', () => {
  it('a healthy deployment is not degraded and lists unique images', () => {
    const d = {
      metadata: meta,
      spec: { replicas: 3, template },
      status: {
        observedGeneration: 3,
        replicas: 3,
        readyReplicas: 3,
        updatedReplicas: 3,
        availableReplicas: 3,
      },
    } as Raw<V1Deployment>;
    expect(projectDeployment(d, NOW)).toEqual({
      kind: 'Deployment',
      namespace: 'shop',
      name: 'web',
      desired: 3,
      current: 3,
      ready: 3,
      updated: 3,
      available: 3,
      images: ['web:1', 'proxy:2'],
      age: '1d',
    });
  });

  it('a stuck rollout is degraded with its failing condition, paused and rollout pending', () => {
    const d = {
      metadata: { ...meta, generation: 4 },
      spec: { replicas: 2, paused: true, template },
      status: {
        observedGeneration: 3,
        readyReplicas: 1,
        updatedReplicas: 1,
        availableReplicas: 1,
        conditions: [
          { type: 'Available', status: 'True' },
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "web-1" has timed out progressing.',
          },
        ],
      },
    } as Raw<V1Deployment>;
    expect(projectDeployment(d, NOW)).toMatchObject({
      desired: 2,
      ready: 1,
      degraded: true,
      paused: true,
      rolloutPending: true,
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "web-1" has timed out progressing.',
        },
      ],
    });
  });

  it('replicas defaults to 1 and scaled to zero is healthy', () => {
    expect(projectDeployment({ metadata: meta, spec: { template } } as Raw<V1Deployment>, NOW)).toMatchObject(
      { desired: 1, degraded: true },
    );
    expect(
      projectDeployment(
        {
          metadata: meta,
          spec: { replicas: 0, template },
          status: { observedGeneration: 3 },
        } as Raw<V1Deployment>,
        NOW,
      ).degraded,
    ).toBeUndefined();
  });

  it('a surge that does not finish (more pods than desired) or a spec not yet observed is degraded', () => {
    const healthy = {
      metadata: meta,
      spec: { replicas: 1, template },
      status: {
        observedGeneration: 3,
        replicas: 1,
        readyReplicas: 1,
        updatedReplicas: 1,
        availableReplicas: 1,
      },
    } as Raw<V1Deployment>;
    expect(projectDeployment(healthy, NOW).degraded).toBeUndefined();
    const surge = { ...healthy, status: { ...healthy.status!, replicas: 2 } } as Raw<V1Deployment>;
    expect(projectDeployment(surge, NOW)).toMatchObject({ current: 2, degraded: true });
    const behind = { ...healthy, metadata: { ...meta, generation: 4 } } as Raw<V1Deployment>;
    expect(projectDeployment(behind, NOW)).toMatchObject({ rolloutPending: true, degraded: true });
  });
});

describe('projectStatefulSet', () => {
  it('is degraded when fewer are ready and rollout pending while revisions differ', () => {
    const s = {
      metadata: meta,
      spec: { replicas: 3, template },
      status: {
        observedGeneration: 3,
        replicas: 3,
        readyReplicas: 2,
        updatedReplicas: 1,
        availableReplicas: 2,
        currentRevision: 'web-1',
        updateRevision: 'web-2',
      },
    } as Raw<V1StatefulSet>;
    expect(projectStatefulSet(s, NOW)).toMatchObject({
      kind: 'StatefulSet',
      desired: 3,
      ready: 2,
      updated: 1,
      available: 2,
      degraded: true,
      rolloutPending: true,
    });
  });
});

describe('projectDaemonSet', () => {
  it('shows scheduled, misscheduled and unavailable and is degraded on any of them', () => {
    const ds = {
      metadata: meta,
      spec: { template },
      status: {
        observedGeneration: 3,
        desiredNumberScheduled: 3,
        currentNumberScheduled: 3,
        numberReady: 3,
        updatedNumberScheduled: 3,
        numberAvailable: 3,
        numberMisscheduled: 1,
        numberUnavailable: 0,
      },
    } as Raw<V1DaemonSet>;
    expect(projectDaemonSet(ds, NOW)).toMatchObject({
      kind: 'DaemonSet',
      desired: 3,
      scheduled: 3,
      ready: 3,
      misscheduled: 1,
      unavailable: 0,
      degraded: true,
    });
    const ok = { ...ds, status: { ...ds.status!, numberMisscheduled: 0 } } as Raw<V1DaemonSet>;
    expect(projectDaemonSet(ok, NOW).degraded).toBeUndefined();
  });
});
