import { describe, expect, it } from 'vitest';
import type { AnyTool } from '../../src/mcp/tool.ts';
import { foldEvents, getEvents } from '../../src/tools/core/events.ts';
import { getNamespaces, projectNamespace } from '../../src/tools/core/namespaces.ts';
import { getNodeStatus, projectNode } from '../../src/tools/core/nodes.ts';
import { getPods, projectPod } from '../../src/tools/core/pods.ts';
import {
  getWorkloads,
  projectDaemonSet,
  projectDeployment,
  projectStatefulSet,
} from '../../src/tools/core/workloads.ts';

const NOW = Date.parse('2025-06-01T12:00:00Z');

/** Parses an item with the tool's declared item schema; zod drops undeclared keys, so equality means none. */
function expectDeclared(tool: AnyTool, item: unknown): void {
  const schema = tool.output.shape.items as unknown as { element: { parse(v: unknown): unknown } };
  expect(schema.element.parse(item)).toEqual(item);
}

describe('projections of sparse objects still match the declared output schemas', () => {
  it.each<[string, AnyTool, () => unknown]>([
    ['empty pod', getPods, () => projectPod({} as never, NOW)],
    ['empty node', getNodeStatus, () => projectNode({} as never, NOW, undefined, undefined)],
    ['node with odd usage', getNodeStatus, () => projectNode({} as never, NOW, { cpu: 'x' }, 0)],
    ['empty namespace', getNamespaces, () => projectNamespace({} as never, NOW)],
    [
      'event without reason or message',
      getEvents,
      () =>
        foldEvents(
          [{ involvedObject: { kind: 'Pod', name: 'x' }, lastTimestamp: '2025-06-01T11:00:00Z' } as never],
          0,
          NOW,
        )[0],
    ],
    ['empty deployment', getWorkloads, () => projectDeployment({} as never, NOW)],
    ['empty statefulset', getWorkloads, () => projectStatefulSet({} as never, NOW)],
    ['empty daemonset', getWorkloads, () => projectDaemonSet({} as never, NOW)],
  ])('%s', (_name, tool, make) => {
    expectDeclared(tool, make());
  });
});
