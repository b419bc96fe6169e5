import type { z } from 'zod';
import type { Clients } from '../clients/index.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';

/** What a tool handler gets besides its arguments. */
export interface ToolContext {
  /** Aborted when the client goes away or the call deadline passes; pass it to every request. */
  signal: AbortSignal;
  requestId: string;
  log: Logger;
  config: Config;
  clients: Clients;
}

/** A tool: data (name, texts, schemas) plus a handler that shapes what the clients return. */
export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  /** What questions the tool answers; the model reads this, keep it short. */
  description: string;
  input: I;
  output: O;
  handler: (args: z.output<I>, ctx: ToolContext) => Promise<z.input<O>>;
}

/** A tool whose argument and result types are erased, for lists of mixed tools. */
export type AnyTool = ToolDefinition<z.ZodObject, z.ZodObject>;

/** Declares a tool; the identity function that gives handlers their argument and result types. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(def: ToolDefinition<I, O>): AnyTool {
  return def as unknown as AnyTool;
}
