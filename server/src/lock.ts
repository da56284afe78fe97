/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it.
 * The server and the admin CLI take `<dataDir>/proctor-elements.lock` (holding their pid) and refuse
 * a live holder. The lock lives inside DATA_DIR, the one folder the server is sure to own (the image
 * runs as `node` with DATA_DIR=/data in root-owned `/`); PGlite ignores a file it does not know
 * there. The lock of older versions, `<dataDir>.lock` beside the folder, is still honoured when
 * present, so an older process still running is not opened under.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The lock file of `dataDir` (absolute or relative like `dataDir`). */
export const lockFileOf = (dataDir: string) => join(dataDir, 'proctor-elements.lock');

/**
 * Takes the lock of PGlite's folder `dataDir` (creating the folder) for this process; answers its
 * release (also run at exit). Throws an Error naming the holder's pid when a live process holds it,
 * or the file system's error (EACCES, ENOTDIR…) when the folder cannot be created or written.
 */
export function holdDataDir(dataDir: string): () => void {
  const lock = lockFileOf(dataDir);
  // the parent recursively, the folder itself not: Node's recursive mkdir spins forever on a path
  // the kernel answers ENOENT for however often it is created (/proc/nope)
  mkdirSync(dirname(dataDir), { recursive: true });
  try {
    mkdirSync(dataDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  for (const file of [lock, `${dataDir}.lock`]) {
    const holder = holderOf(file);
    if (holder && holder !== process.pid && alive(holder))
      throw new Error(
        `PGlite's data folder ${dataDir} is in use by process ${holder} (the server?). Stop it first, or use the HTTP admin API, or run against PostgreSQL (DATABASE_URL).`,
      );
  }
  writeFileSync(lock, String(process.pid));
  const release = () => rmSync(lock, { force: true });
  process.once('exit', release);
  return release;
}

/** The pid written in `file`, or undefined when there is none (no file, unreadable, not a number). */
function holderOf(file: string): number | undefined {
  try {
    return Number(readFileSync(file, 'utf8')) || undefined;
  } catch {
    return undefined;
  }
}

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
