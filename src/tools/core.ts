import type { AnyTool } from '../mcp/tool.ts';

export const coreTools: AnyTool[] = [];
