/**
 * Test-facing control of the observability backends (re-exported by sandbox/control.ts).
 *
 * stopBackend waits until the process is gone and its port is closed; startBackend waits until the backend is
 * ready again (Loki re-seeded with the same data, ntfy reloaded from its seed file, the Alertmanager silence in
 * place and the expected alerts visible again). Both are idempotent. They run sandbox/obs/down.sh / up.sh with
 * `--only`, so the tests exercise the same code paths as `npm run sandbox:up`.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './fixtures.ts';

export type BackendName = 'prometheus' | 'alertmanager' | 'loki' | 'ntfy';

const BACKENDS: readonly BackendName[] = ['prometheus', 'alertmanager', 'loki', 'ntfy'];

function runScript(script: 'up.sh' | 'down.sh', name: BackendName): Promise<void> {
  if (!BACKENDS.includes(name))
    return Promise.reject(new Error(`unknown backend '${String(name)}' (one of ${BACKENDS.join(', ')})`));
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [join(REPO_ROOT, 'sandbox', 'obs', script), '--only', name],
      { cwd: REPO_ROOT, timeout: 180_000, maxBuffer: 4 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err)
          reject(
            new Error(
              `sandbox/obs/${script} --only ${name} failed: ${err.message}\n${stdout}\n${stderr}`.trim(),
            ),
          );
        else resolve();
      },
    );
  });
}

/** Stops one backend and waits until its port is closed. */
export function stopBackend(name: BackendName): Promise<void> {
  return runScript('down.sh', name);
}

/** Starts one backend (if it is not running) and waits until it is ready and seeded again. */
export function startBackend(name: BackendName): Promise<void> {
  return runScript('up.sh', name);
}
