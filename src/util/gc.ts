import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * Runs one full garbage collection, without starting Node with --expose-gc. Used once after a burst of
 * allocation (the pod cache's initial sync parses tens of MB of JSON) so the heap the burst grew is returned
 * instead of idling in resident memory. Returns false when the runtime does not allow it.
 */
export function collectGarbage(): boolean {
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as (() => void) | undefined;
    if (typeof gc !== 'function') return false;
    gc();
    return true;
  } catch {
    return false;
  }
}
