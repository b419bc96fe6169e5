import type { V1Node } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Raw } from '../../src/clients/kube-core.ts';
import { projectNode } from '../../src/tools/core/nodes.ts';

type Node = Raw<V1Node>;
const NOW = Date.parse('2025-06-01T12:00:00Z');

function node(
  over: { labels?: Record<string, string>; conditions?: unknown[]; spec?: Record<string, unknown> } = {},
): Node {
  return {
    metadata: {
      name: 'node-a',
      creationTimestamp: '2025-05-01T12:00:00Z',
      labels: over.labels ?? { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/os': 'linux' },
    },
    spec: over.spec ?? {},
    status: {
      conditions: (over.conditions as never) ?? [
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
        { type: 'MemoryPressure', status: 'False' },
      ],
      capacity: { cpu: '4', memory: '16Gi', pods: '110' },
      allocatable: { cpu: '3900m', memory: '15Gi', pods: '110' },
      nodeInfo: {
        kubeletVersion: 'v1.34.2',
        osImage: 'Ubuntu 24.04',
        kernelVersion: '6.8.0',
        architecture: 'amd64',
        containerRuntimeVersion: 'containerd://2.1.0',
      } as never,
    },
  } as Node;
}

describe('projectNode', () => {
  it('projects a ready node with usage and scheduled pods', () => {
    expect(projectNode(node(), NOW, { cpu: '975m', memory: '7680Mi' }, 12)).toEqual({
      name: 'node-a',
      roles: ['control-plane'],
      ready: 'True',
      kubelet: 'v1.34.2',
      osImage: 'Ubuntu 24.04',
      kernel: '6.8.0',
      arch: 'amd64',
      runtime: 'containerd://2.1.0',
      capacity: { cpu: 4, memoryMiB: 16384 },
      allocatable: { cpu: 3.9, memoryMiB: 15360 },
      usage: { cpu: 0.975, memoryMiB: 7680, cpuPct: 25, memoryPct: 50 },
      pods: { scheduled: 12, capacity: 110 },
      age: '31d',
    });
  });

  it('keeps usage null when there is no metrics sample', () => {
    expect(projectNode(node(), NOW, undefined, 0).usage).toBeNull();
  });

  it('shows a NotReady node with reason and message and its abnormal conditions', () => {
    const item = projectNode(
      node({
        conditions: [
          { type: 'Ready', status: 'False', reason: 'KubeletNotReady', message: 'PLEG is not healthy' },
          { type: 'DiskPressure', status: 'True', reason: 'KubeletHasDiskPressure', message: 'disk is full' },
          { type: 'MemoryPressure', status: 'False' },
          { type: 'PIDPressure', status: 'Unknown' },
        ],
      }),
      NOW,
      undefined,
      undefined,
    );
    expect(item).toMatchObject({
      ready: 'False',
      reason: 'KubeletNotReady',
      message: 'PLEG is not healthy',
      conditions: [
        { type: 'DiskPressure', status: 'True', reason: 'KubeletHasDiskPressure', message: 'disk is full' },
      ],
    });
    expect(item.pods).toEqual({ capacity: 110 });
  });

  it('a node without a Ready condition is Unknown', () => {
    expect(projectNode(node({ conditions: [] }), NOW, undefined, 0).ready).toBe('Unknown');
  });

  it('shows cordon, taints and legacy and multiple roles', () => {
    const item = projectNode(
      node({
        labels: {
          'node-role.kubernetes.io/worker': '',
          'node-role.kubernetes.io/ingress': 'true',
          'kubernetes.io/role': 'edge',
        },
        spec: {
          unschedulable: true,
          taints: [
            { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' },
            { key: 'dedicated', value: 'gpu', effect: 'NoExecute' },
          ],
        },
      }),
      NOW,
      undefined,
      3,
    );
    expect(item.unschedulable).toBe(true);
    expect(item.taints).toEqual(['node.kubernetes.io/unschedulable:NoSchedule', 'dedicated=gpu:NoExecute']);
    expect(item.roles).toEqual(['edge', 'ingress', 'worker']);
  });
});
