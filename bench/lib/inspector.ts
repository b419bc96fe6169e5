/**
 * A tiny Chrome DevTools Protocol client for a server started with `--inspect=127.0.0.1:0`: forces a full GC and
 * reads the live JS heap, so "memory after N calls" separates retained objects from garbage not yet collected.
 */
import { readFileSync } from 'node:fs';

/** The inspector WebSocket URL a process printed to its log ("Debugger listening on ws://..."). */
export function inspectorUrl(logFile: string): string | undefined {
  return /Debugger listening on (ws:\/\/\S+)/.exec(readFileSync(logFile, 'utf8'))?.[1];
}

export interface Inspector {
  /** Full GC, then the live heap in MiB. */
  liveHeapMib(): Promise<number>;
  close(): void;
}

export async function openInspector(url: string): Promise<Inspector> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.addEventListener('open', () => resolve(), { once: true });
    ws.addEventListener('error', () => reject(new Error(`inspector ${url}: connection failed`)), {
      once: true,
    });
  });
  let id = 0;
  const pending = new Map<number, (v: unknown) => void>();
  ws.addEventListener('message', (e) => {
    const msg = JSON.parse(String(e.data)) as { id?: number; result?: unknown };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg.result);
  });
  const send = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve) => {
      const n = ++id;
      pending.set(n, resolve);
      ws.send(JSON.stringify({ id: n, method, params }));
    });
  return {
    liveHeapMib: async () => {
      await send('HeapProfiler.collectGarbage');
      const r = (await send('Runtime.evaluate', {
        expression: 'process.memoryUsage().heapUsed',
        returnByValue: true,
      })) as { result: { value: number } };
      return Math.round((r.result.value / 1048576) * 10) / 10;
    },
    close: () => ws.close(),
  };
}
