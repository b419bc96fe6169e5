/**
 * Errors a tool throws. The registry turns each kind into an `isError` result written for the model:
 * caller errors say how to fix the call, upstream errors name the backend and what it said, anything
 * else is internal and carries only a request id (the stack goes to the log).
 */
export type ErrorKind = 'caller' | 'upstream' | 'internal';

export abstract class ToolError extends Error {
  abstract readonly kind: ErrorKind;
}

/** The call itself is wrong or asks for something that is not there; the message says what to change. */
export class CallerError extends ToolError {
  readonly kind = 'caller' as const;
}

/** A backend is not configured; the message names the setting. */
export class NotConfiguredError extends CallerError {
  constructor(what: string, setting: string) {
    super(`${what} is not configured for this server: set ${setting} to enable it.`);
  }
}

export interface UpstreamDetails {
  backend: string;
  /** URL without credentials or query secrets. */
  url?: string;
  status?: number;
  /** A short excerpt of the upstream body, at most 1 KiB. */
  body?: string;
}

/** A backend failed or refused; the message names the backend, the URL and what it answered. */
export class UpstreamError extends ToolError {
  readonly kind = 'upstream' as const;
  readonly details: UpstreamDetails;
  constructor(message: string, details: UpstreamDetails) {
    super(message);
    this.details = details;
  }
}

/** Limits an upstream body excerpt to 1 KiB, on one line. */
export function excerpt(body: string, max = 1024): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}
