/** Processes under test: spawning, memory from /proc, free ports, polling with deadlines, clean stops. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface Running {
  name: string;
  child: ChildProcess;
  pid: number;
  /** performance.now() just before spawn: the origin of every start-up time. */
  startedAt: number;
  logFile: string;
  exited: Promise<number | null>;
}

/** Spawns a server with its stdout/stderr going to a log file (never a pipe the harness would have to drain). */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string,
  cwd: string,
): Running {
  const log = createWriteStream(logFile);
  const startedAt = performance.now();
  const child = spawn(command, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, pid: child.pid, startedAt, logFile, exited };
}

/** Stops a process the harness started: SIGTERM, then SIGKILL after a grace period. */
export async function stopProcess(p: Running, graceMs = 5_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const done = await Promise.race([p.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!done) {
    p.child.kill('SIGKILL');
    await p.exited;
  }
}

export interface Memory {
  /** Resident set size now, KiB. */
  rssKib: number;
  /** Peak resident set size since start, KiB. */
  hwmKib: number;
}

/** VmRSS and VmHWM of a process from /proc/<pid>/status. */
export function memoryOf(pid: number): Memory {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return { rssKib: field('VmRSS'), hwmKib: field('VmHWM') };
}

/** A free TCP port on loopback (bound then released; the race with other processes is acceptable here). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Calls `attempt` until it returns a value other than undefined or the deadline passes; polls every
 * `intervalMs`. Errors count as "not yet". Returns undefined on timeout.
 */
export async function pollUntil<T>(
  attempt: () => Promise<T | undefined>,
  timeoutMs: number,
  intervalMs = 5,
): Promise<T | undefined> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    try {
      const v = await attempt();
      if (v !== undefined) return v;
    } catch {
      // not up yet
    }
    await sleep(intervalMs);
  }
  return undefined;
}

/** Output of a short command, trimmed; '' when it fails (version probes must not stop the run). */
export function commandOutput(command: string, args: string[], env?: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(command, args, {
      encoding: 'utf8',
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    }).trim();
  } catch {
    return '';
  }
}
