/**
 * A watch-backed cache of projected pods, so the pod tools answer from memory instead of reading every pod of
 * the cluster on each call (10,000 pods are ~43 MB of JSON per list; their projections ~100 bytes each).
 *
 * Protocol (what client-go's reflector does): one WATCH with `sendInitialEvents=true` (the API server's streaming
 * list, on by default since Kubernetes 1.32) delivers every pod as an ADDED event, then a bookmark marking the end
 * of the initial state, then the changes; each pod is parsed and projected on its own, so the sync never holds
 * more than one pod's JSON. A server that refuses streaming lists gets a paged LIST and a WATCH from the list's
 * resourceVersion instead. When the server ends a watch (`timeoutSeconds`), the cache watches again from the last
 * resourceVersion seen (bookmarks keep it fresh); a 410 Gone (that resourceVersion was compacted away) means
 * syncing from scratch. Any other failure marks the cache unsynced and retries with backoff. While the cache is not synced, `snapshot()`
 * answers undefined and the tools list from the API server as they would without a cache: the cache can make a
 * call faster, never wrong or unavailable. RBAC forbidding list/watch, or more pods than `maxPods`, disables it
 * (logged once) and it tries again after `disabledRetryMs`.
 *
 * One cache per app instance; `stop()` aborts its requests and timers, so closing the app leaves nothing behind.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { Logger } from '../log.ts';
import { KubeApiError, type KubeClient } from './kube.ts';
import type { Raw } from './kube-core.ts';

/** What a cached record must carry: its place in the namespace/name order. */
export interface CachedPod {
  namespace: string;
  name: string;
}

/**
 * - `syncing`: listing, or the watch failed or expired: tools list from the API server until it is synced;
 * - `synced`: the watch is open and the records are current: tools answer from them;
 * - `disabled`: RBAC forbids list/watch on pods cluster-wide, or there are more pods than the cap;
 * - `stopped`: the app closed.
 */
export type PodCacheState = 'syncing' | 'synced' | 'disabled' | 'stopped';

export interface PodCacheStatus {
  state: PodCacheState;
  /** Pods held. */
  pods: number;
  /** Why it is not synced (last error, or why it is disabled). */
  reason?: string;
  /** Duration of the last full sync (list or streaming list), ms. */
  syncMs?: number;
}

export interface PodCacheOptions<R extends CachedPod> {
  /** Turns a pod into the record kept for it; called once per pod version. */
  project: (pod: Raw<V1Pod>) => R;
  log: Logger;
  /** Above this many pods the cache disables itself (memory bound). */
  maxPods: number;
  /** List page size. */
  pageSize?: number;
  /** Server-side duration of one watch request. */
  watchTimeoutSeconds?: number;
  /** A watch that delivers nothing (not even a bookmark) for this long is presumed dead and reopened. */
  idleTimeoutMs?: number;
  /** Backoff after a failure: first and longest wait. */
  retryMs?: { min: number; max: number };
  /** Wait before trying again once disabled. */
  disabledRetryMs?: number;
  /** Sync with a streaming list (watch with sendInitialEvents) when the server allows it; else LIST + WATCH. */
  streamingList?: boolean;
  /** A streaming list whose initial events have not ended after this long is abandoned for LIST + WATCH. */
  initialEventsTimeoutMs?: number;
  /** Called each time the cache becomes synced (after a full list). */
  onSynced?: () => void;
}

/** A Kubernetes `Status` as carried by a watch ERROR event. */
interface StatusObject {
  code?: number;
  reason?: string;
  message?: string;
}

/** The resourceVersion to watch from is gone (410): list again. */
class Expired extends Error {}
/** The server does not do streaming lists (or never ended the initial events): use LIST + WATCH. */
class NoStreamingList extends Error {}

/** The annotation of the bookmark that ends the initial events of a streaming list. */
const INITIAL_EVENTS_END = 'k8s.io/initial-events-end';
/** More pods than the cap. */
class TooMany extends Error {}

function compare(a: CachedPod, b: CachedPod): number {
  if (a.namespace !== b.namespace) return a.namespace < b.namespace ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return 0;
}

/** First index in `sorted` whose record is not before `key`. */
function lowerBound(sorted: readonly CachedPod[], key: CachedPod): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(sorted[mid]!, key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const PODS_PATH = '/api/v1/pods';

/** A watch-backed cache of projected pods, sorted by namespace/name. See the module comment. */
export class PodCache<R extends CachedPod> {
  private readonly kube: KubeClient;
  private readonly opts: Required<Omit<PodCacheOptions<R>, 'log' | 'project' | 'onSynced'>> &
    Pick<PodCacheOptions<R>, 'log' | 'project' | 'onSynced'>;
  /** Every record, sorted by namespace/name. */
  private records: R[] = [];
  /** A copy of `records` handed to readers; dropped on every change, so readers never see one mid-way. */
  private view: readonly R[] | undefined;
  private resourceVersion: string | undefined;
  private state: PodCacheState = 'syncing';
  private reason: string | undefined;
  private syncMs: number | undefined;
  private readonly stopper = new AbortController();
  private loop: Promise<void> | undefined;
  /** Whether to sync with a streaming list; turned off for good when the server refuses one. */
  private streaming: boolean;

  constructor(kube: KubeClient, opts: PodCacheOptions<R>) {
    this.kube = kube;
    this.opts = {
      pageSize: 500,
      watchTimeoutSeconds: 300,
      idleTimeoutMs: 150_000,
      retryMs: { min: 1_000, max: 30_000 },
      disabledRetryMs: 600_000,
      streamingList: true,
      initialEventsTimeoutMs: 120_000,
      ...opts,
    };
    this.streaming = this.opts.streamingList;
  }

  /** Starts listing and watching in the background; returns at once. Idempotent. */
  start(): void {
    if (this.loop || this.stopper.signal.aborted) return;
    this.loop = this.run().catch((err: unknown) => {
      // run() handles its own failures; this is a bug, and the tools still work without the cache.
      this.setState('disabled', `internal error: ${(err as Error).message}`);
      this.opts.log.error(
        { err },
        'pod cache stopped on an internal error; pod tools list from the API server',
      );
    });
  }

  /** Stops watching, cancels timers and requests, and drops the records. Idempotent. */
  async stop(): Promise<void> {
    this.stopper.abort();
    await this.loop;
    this.state = 'stopped';
    this.records = [];
    this.view = undefined;
  }

  /**
   * The records, sorted by namespace/name (only those of `namespace` when given), or undefined when the cache is
   * not synced: the caller must then read from the API server.
   */
  snapshot(namespace?: string): readonly R[] | undefined {
    if (this.state !== 'synced') return undefined;
    this.view ??= this.records.slice();
    if (namespace === undefined) return this.view;
    const lo = lowerBound(this.view, { namespace, name: '' });
    const hi = lowerBound(this.view, { namespace: `${namespace}\0`, name: '' });
    return this.view.slice(lo, hi);
  }

  status(): PodCacheStatus {
    const out: PodCacheStatus = { state: this.state, pods: this.records.length };
    if (this.reason && this.state !== 'synced') out.reason = this.reason;
    if (this.syncMs !== undefined) out.syncMs = this.syncMs;
    return out;
  }

  private get stopped(): boolean {
    return this.stopper.signal.aborted;
  }

  private setState(state: PodCacheState, reason?: string): void {
    if (this.stopped) return;
    this.state = state;
    this.reason = reason;
  }

  private async run(): Promise<void> {
    const { log, retryMs, disabledRetryMs } = this.opts;
    let delay = retryMs.min;
    while (!this.stopped) {
      try {
        if (this.resourceVersion === undefined && this.streaming) await this.watch(true);
        else {
          if (this.resourceVersion === undefined) await this.list();
          await this.watch(false);
        }
        delay = retryMs.min;
      } catch (err) {
        if (this.stopped) return;
        if (
          this.resourceVersion === undefined &&
          this.streaming &&
          (err instanceof NoStreamingList ||
            (err instanceof KubeApiError && (err.status === 400 || err.status === 422)))
        ) {
          log.info({ err: (err as Error).message }, 'pod cache: no streaming list, using list + watch');
          this.streaming = false;
          continue;
        }
        if (err instanceof Expired) {
          // The usual way a watch ends after a long disconnect: start over at once.
          log.info('pod cache: resourceVersion expired, listing pods again');
          this.forget('resourceVersion expired; listing again', 'syncing');
          continue;
        }
        const forbidden = err instanceof KubeApiError && err.status === 403;
        if (forbidden || err instanceof TooMany) {
          const why = forbidden
            ? `RBAC forbids list/watch of pods cluster-wide (${(err as KubeApiError).apiMessage})`
            : (err as Error).message;
          if (this.state !== 'disabled')
            log.warn(`pod cache disabled: ${why}; pod tools list from the API server on every call`);
          this.forget(why, 'disabled');
          await this.sleep(disabledRetryMs);
          continue;
        }
        const why = (err as Error).message;
        if (this.state === 'synced')
          log.warn(
            { err: why },
            'pod cache lost its watch; pod tools list from the API server until it is back',
          );
        else log.debug({ err: why }, 'pod cache: list/watch failed, retrying');
        this.setState(this.state === 'disabled' ? 'disabled' : 'syncing', why);
        await this.sleep(delay);
        delay = Math.min(delay * 2, retryMs.max);
      }
    }
  }

  /** Drops the records and the resourceVersion, so the next round lists from scratch. */
  private forget(reason: string, state: PodCacheState): void {
    this.records = [];
    this.view = undefined;
    this.resourceVersion = undefined;
    this.setState(state, reason);
  }

  /** Waits `ms`, or less when stopped. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      if (this.stopped) return resolve();
      const done = (): void => {
        clearTimeout(timer);
        this.stopper.signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.stopper.signal.addEventListener('abort', done, { once: true });
    });
  }

  /** Lists every pod in pages (one consistent snapshot) and replaces the records with their projections. */
  private async list(): Promise<void> {
    const started = performance.now();
    // The old records would be replaced anyway; dropping them first halves the peak memory of a re-list.
    this.records = [];
    this.view = undefined;
    const fresh: R[] = [];
    let cont: string | undefined;
    let rv: string | undefined;
    do {
      const page = await this.kube.get<{
        items?: Raw<V1Pod>[];
        metadata?: { continue?: string; resourceVersion?: string };
      }>(PODS_PATH, {
        query: { limit: this.opts.pageSize, continue: cont },
        signal: this.stopper.signal,
      });
      for (const pod of page.items ?? []) {
        const rec = this.project(pod);
        if (rec) fresh.push(rec);
      }
      if (fresh.length > this.opts.maxPods) throw this.tooMany();
      rv = page.metadata?.resourceVersion ?? rv;
      cont = page.metadata?.continue || undefined;
    } while (cont);
    if (this.stopped) return;
    fresh.sort(compare);
    this.records = fresh;
    this.view = undefined;
    this.resourceVersion = rv;
    this.syncMs = Math.round(performance.now() - started);
    if (!rv) throw new Error('the pod list carried no resourceVersion');
  }

  private tooMany(): TooMany {
    return new TooMany(`more than ${this.opts.maxPods} pods (KUBE_POD_CACHE_MAX)`);
  }

  private project(pod: Raw<V1Pod>): R | undefined {
    if (!pod.metadata?.name) return undefined;
    try {
      return this.opts.project(pod);
    } catch (err) {
      this.opts.log.warn(
        { err: (err as Error).message, pod: `${pod.metadata.namespace}/${pod.metadata.name}` },
        'pod cache: pod skipped, its projection failed',
      );
      return undefined;
    }
  }

  /**
   * One watch request until the server ends it: from the current resourceVersion, or (`initial`) a streaming list
   * whose initial ADDED events replace the records once the bookmark that ends them arrives.
   */
  private async watch(initial: boolean): Promise<void> {
    const { idleTimeoutMs, watchTimeoutSeconds, initialEventsTimeoutMs } = this.opts;
    const ac = new AbortController();
    const onStop = (): void => ac.abort();
    this.stopper.signal.addEventListener('abort', onStop, { once: true });
    let idle = false;
    const idleTimer = setTimeout(() => {
      idle = true;
      ac.abort();
    }, idleTimeoutMs);
    let tooSlow = false;
    const initialTimer = initial
      ? setTimeout(() => {
          tooSlow = true;
          ac.abort();
        }, initialEventsTimeoutMs)
      : undefined;
    const opened = performance.now();
    let events = 0;
    /** Records of the initial events, until their end. */
    let fresh: R[] | undefined;
    if (initial) {
      // The old records would be replaced anyway; dropping them first halves the peak memory of a re-sync.
      this.records = [];
      this.view = undefined;
      fresh = [];
    }
    try {
      const stream = await this.kube.watch<Raw<V1Pod> & StatusObject>(PODS_PATH, {
        query: initial
          ? {
              sendInitialEvents: true,
              resourceVersionMatch: 'NotOlderThan',
              allowWatchBookmarks: true,
              timeoutSeconds: watchTimeoutSeconds,
            }
          : {
              resourceVersion: this.resourceVersion,
              allowWatchBookmarks: true,
              timeoutSeconds: watchTimeoutSeconds,
            },
        signal: ac.signal,
      });
      if (!initial) this.synced();
      for await (const ev of stream) {
        idleTimer.refresh();
        events++;
        if (!fresh) {
          this.apply(ev.type, ev.object);
          continue;
        }
        if (ev.type === 'ADDED') {
          const rec = this.project(ev.object);
          if (rec) fresh.push(rec);
          if (fresh.length > this.opts.maxPods) throw this.tooMany();
        } else if (
          ev.type === 'BOOKMARK' &&
          ev.object.metadata?.annotations?.[INITIAL_EVENTS_END] === 'true'
        ) {
          clearTimeout(initialTimer);
          this.records = fresh.sort(compare);
          this.view = undefined;
          fresh = undefined;
          this.resourceVersion = ev.object.metadata.resourceVersion;
          this.syncMs = Math.round(performance.now() - opened);
          if (!this.resourceVersion)
            throw new Error('the initial-events-end bookmark carried no resourceVersion');
          this.synced();
        } else if (ev.type !== 'BOOKMARK') {
          // Before the end of the initial events only ADDED and bookmarks come; ERROR throws here.
          this.apply(ev.type, ev.object);
          throw new Error(`unexpected ${ev.type} event before the initial events ended`);
        }
      }
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 410) throw new Expired(err.message);
      if (tooSlow && !this.stopped)
        throw new NoStreamingList(`initial events not complete after ${initialEventsTimeoutMs} ms`);
      if (idle && !this.stopped) throw new Error(`watch delivered nothing for ${idleTimeoutMs} ms`);
      throw err;
    } finally {
      clearTimeout(idleTimer);
      clearTimeout(initialTimer);
      this.stopper.signal.removeEventListener('abort', onStop);
      ac.abort();
      if (fresh) this.resourceVersion = undefined;
    }
    if (fresh) throw new Error('the watch ended before its initial events did');
    // A watch the server closes at once, again and again, would spin: treat it as a failure (backoff).
    if (events === 0 && performance.now() - opened < 1_000 && !this.stopped)
      throw new Error('the API server closed the watch at once');
  }

  private synced(): void {
    if (this.state === 'synced') return;
    this.setState('synced');
    this.opts.log.info({ pods: this.records.length, syncMs: this.syncMs }, 'pod cache synced');
    this.opts.onSynced?.();
  }

  private apply(type: string, obj: Raw<V1Pod> & StatusObject): void {
    switch (type) {
      case 'ADDED':
      case 'MODIFIED': {
        const rec = this.project(obj);
        if (rec) this.upsert(rec);
        break;
      }
      case 'DELETED':
        this.remove({ namespace: obj.metadata?.namespace ?? '', name: obj.metadata?.name ?? '' });
        break;
      case 'BOOKMARK':
        break;
      case 'ERROR':
        if (obj.code === 410) throw new Expired(obj.message ?? 'Expired');
        throw new Error(`watch error ${obj.code ?? ''} ${obj.reason ?? ''}: ${obj.message ?? ''}`.trim());
      default:
        throw new Error(`unexpected watch event type ${JSON.stringify(type).slice(0, 40)}`);
    }
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
  }

  private upsert(rec: R): void {
    const i = lowerBound(this.records, rec);
    if (i < this.records.length && compare(this.records[i]!, rec) === 0) this.records[i] = rec;
    else {
      if (this.records.length >= this.opts.maxPods) throw this.tooMany();
      this.records.splice(i, 0, rec);
    }
    this.view = undefined;
  }

  private remove(key: CachedPod): void {
    const i = lowerBound(this.records, key);
    if (i < this.records.length && compare(this.records[i]!, key) === 0) {
      this.records.splice(i, 1);
      this.view = undefined;
    }
  }
}
