import type { AnyTool } from '../mcp/tool.ts';
import { certificateTools } from './certificates.ts';
import { coreTools } from './core.ts';
import { fluxTools } from './flux.ts';
import { observabilityTools } from './observability.ts';
import { versionTools } from './version.ts';

/** Every tool the server offers, in the order tools/list shows them. */
export const allTools: readonly AnyTool[] = [
  ...versionTools,
  ...coreTools,
  ...fluxTools,
  ...certificateTools,
  ...observabilityTools,
];
