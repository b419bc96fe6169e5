/** The Flux tools; each lives in src/tools/flux/, sharing readiness, summary and order from flux/common.ts. */
import type { AnyTool } from '../mcp/tool.ts';
import { getFluxImages } from './flux/images.ts';
import { getFluxSources } from './flux/sources.ts';
import { getFluxStatus } from './flux/status.ts';

export const fluxTools: AnyTool[] = [getFluxStatus, getFluxSources, getFluxImages];
