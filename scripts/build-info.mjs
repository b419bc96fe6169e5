// Writes src/build-info.json (and dist/build-info.json when dist exists): version, git SHA, build time.
// BUILD_VERSION / GIT_SHA / BUILD_TIME (Docker build args) win over what git and package.json say.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const git = (...args) => {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return '';
  }
};
let sha = process.env.GIT_SHA || git('rev-parse', 'HEAD');
if (sha && !process.env.GIT_SHA && git('status', '--porcelain', '--untracked-files=no')) sha += '-dirty';
const info = {
  version: process.env.BUILD_VERSION || pkg.version,
  gitSha: sha || 'no-git',
  buildTime: process.env.BUILD_TIME || new Date().toISOString(),
};
const text = `${JSON.stringify(info, null, 2)}\n`;
writeFileSync(join(root, 'src', 'build-info.json'), text);
if (existsSync(join(root, 'dist'))) writeFileSync(join(root, 'dist', 'build-info.json'), text);
