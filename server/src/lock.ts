/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it.
 * The server and the admin CLI take `<dataDir>.lock` (holding their pid) and refuse a live holder.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export function holdDataDir(dataDir: string): () => void {
  const lock = `${dataDir}.lock`;
  mkdirSync(dirname(lock), { recursive: true });
  let holder: number | undefined;
  try {
    holder = Number(readFileSync(lock, 'utf8'));
  } catch {
    holder = undefined;
  }
  if (holder && holder !== process.pid && alive(holder))
    throw new Error(
      `PGlite's data folder ${dataDir} is in use by process ${holder} (the server?). Stop it first, or use the HTTP admin API, or run against PostgreSQL (DATABASE_URL).`,
    );
  writeFileSync(lock, String(process.pid));
  const release = () => rmSync(lock, { force: true });
  process.once('exit', release);
  return release;
}

function alive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
