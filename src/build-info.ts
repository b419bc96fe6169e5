import { readFileSync } from 'node:fs';

export interface BuildInfo {
  version: string;
  gitSha: string;
  buildTime: string;
}

/** Version, git SHA and build time, written next to this module by scripts/build-info.mjs at build time. */
export const buildInfo: BuildInfo = (() => {
  try {
    return JSON.parse(readFileSync(new URL('./build-info.json', import.meta.url), 'utf8')) as BuildInfo;
  } catch {
    // Only a tree that skipped the build step lands here; say so rather than invent values.
    return { version: '0.0.0', gitSha: 'unbuilt (run: node scripts/build-info.mjs)', buildTime: 'unbuilt' };
  }
})();
