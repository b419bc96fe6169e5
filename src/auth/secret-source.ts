/**
 * Credentials mounted from a file or a Kubernetes Secret volume, re-read when they change so a rotated Secret
 * takes effect without a restart. A Secret volume is a directory of one file per key whose entries are
 * swapped atomically through a `..data` symlink, so a directory is read as `key → content`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Entries of a secret source: file name (or the file itself) → content. */
export type SecretEntries = ReadonlyMap<string, string>;

/** A file or Secret-volume directory whose content is re-read when its stamp (mtime/size of every entry) changes. */
export class SecretSource {
  readonly path: string;
  private stamp = '';
  private entries: SecretEntries = new Map();

  constructor(path: string) {
    this.path = path;
  }

  /**
   * The current entries: a plain file gives one entry named after the path; a directory gives one entry per
   * visible regular file (Secret volumes hide their bookkeeping in dot-entries).
   * @throws when the path cannot be read.
   */
  read(): { entries: SecretEntries; changed: boolean; directory: boolean } {
    const st = statSync(this.path);
    if (!st.isDirectory()) {
      const stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
      if (stamp === this.stamp) return { entries: this.entries, changed: false, directory: false };
      this.entries = new Map([[this.path, readFileSync(this.path, 'utf8')]]);
      this.stamp = stamp;
      return { entries: this.entries, changed: true, directory: false };
    }
    const names = readdirSync(this.path)
      .filter((n) => !n.startsWith('.'))
      .sort();
    const stats = names.map((n) => ({ n, st: statSync(join(this.path, n)) }));
    const files = stats.filter((f) => f.st.isFile());
    const stamp = `${st.mtimeMs}|${files.map((f) => `${f.n}:${f.st.mtimeMs}:${f.st.size}:${f.st.ino}`).join('|')}`;
    if (stamp === this.stamp) return { entries: this.entries, changed: false, directory: true };
    this.entries = new Map(files.map((f) => [f.n, readFileSync(join(this.path, f.n), 'utf8')]));
    this.stamp = stamp;
    return { entries: this.entries, changed: true, directory: true };
  }
}
