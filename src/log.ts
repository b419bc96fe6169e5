import { type Logger, pino } from 'pino';

export type { Logger };

/** Paths pino must never print: credentials in requests and anything the server reads from files. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-scope-orgid"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'authorization',
  'token',
  'password',
];

/** JSON lines in production; pretty output only when stdout is a terminal and pino-pretty is installed. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'cluster-mcp' },
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
  });
}
