/**
 * The Kubernetes core tools: what is running and what is broken. One module per tool under ./core/.
 */
import type { AnyTool } from '../mcp/tool.ts';
import { getEvents } from './core/events.ts';
import { getNamespaces } from './core/namespaces.ts';
import { getNodeStatus } from './core/nodes.ts';
import { getPods } from './core/pods.ts';
import { getWorkloads } from './core/workloads.ts';

export const coreTools: AnyTool[] = [getNodeStatus, getPods, getNamespaces, getEvents, getWorkloads];
