// Tiny helpers shared by the build and test scripts.
import { spawnSync } from 'node:child_process';

/** Runs a command inheriting stdio; exits the process with its status when it fails. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`✖ ${cmd} ${args.join(' ')} failed (${r.error?.message ?? `exit ${r.status}`})`);
    process.exit(r.status || 1);
  }
}

/** `node_modules/.bin/<name>` of this package. */
export const bin = (name) => new URL(`../node_modules/.bin/${name}`, import.meta.url).pathname;
