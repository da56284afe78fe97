/**
 * The server as an operator runs it, for the tests that need a real process (startup, production,
 * scale, resilience): `npm start`'s entry (server/src/main.ts) spawned with only the environment
 * given, on a free port, waited for until `/healthz` answers 200; and the polling and
 * throw-away-schema steps those tests share.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** main.ts by absolute path, with tsx resolved from here: the process may run in any folder. */
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');

/** A TCP port nothing listens on now (the system's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Polls `check` every `intervalMs` until it returns a value other than undefined/false, and
 * returns it; throws `what` (and `detail()`) after `timeoutMs`. Generous by default: tests must
 * pass on a loaded machine.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  {
    timeoutMs = 60_000,
    intervalMs = 250,
    detail = (): string => '',
  }: { timeoutMs?: number; intervalMs?: number; detail?: () => string } = {},
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`${what} (within ${timeoutMs} ms)${detail() ? `: ${detail()}` : ''}`);
    await sleep(intervalMs);
  }
}

/** A PostgreSQL URL whose connections use `schema` (and name themselves `applicationName`). */
export function schemaUrl(url: string, schema: string, applicationName?: string) {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  if (applicationName) u.searchParams.set('application_name', applicationName);
  return u.toString();
}

export interface ServerProcess {
  origin: string;
  port: number;
  child: ChildProcess;
  /** Everything it printed (stdout and stderr), for assertions and failure messages. */
  output: () => string;
  /** The exit code, or null while it runs. */
  exitCode: () => number | null;
  /** Resolves with the exit code when it exits. */
  exited: Promise<number | null>;
  /** SIGTERM (unless it has exited) and its exit code. */
  stop: () => Promise<number | null>;
}

export interface SpawnOptions {
  /** The environment, with PATH (and nothing else of this process's unless `inherit`); PORT defaults to a free port. */
  env?: Record<string, string | undefined>;
  inherit?: boolean;
  cwd?: string;
  /** Wait until /healthz answers 200 (default); false: return at once (a start that must fail). */
  ready?: boolean;
  /** Called with all output so far, on each chunk. */
  onOutput?: (output: string) => void;
  /** A command that runs node for it, e.g. `['setpriv', '--reuid=65534', …, '--']` (another user). */
  prefix?: string[];
}

/** Spawns main.ts (see the module's note); with `ready`, fails with its output if it exits or never answers. */
export async function spawnServer(options: SpawnOptions = {}): Promise<ServerProcess> {
  const port = Number(options.env?.PORT ?? (await freePort()));
  const [command, ...args] = [
    ...(options.prefix ?? []),
    process.execPath,
    '--conditions=proctor-elements-source',
    '--import',
    TSX,
    MAIN,
  ];
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...(options.inherit ? process.env : { PATH: process.env.PATH }), PORT: String(port), ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const take = (d: Buffer) => {
    output += d.toString();
    options.onOutput?.(output);
  };
  child.stdout.on('data', take);
  child.stderr.on('data', take);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const server: ServerProcess = {
    origin: `http://127.0.0.1:${port}`,
    port,
    child,
    output: () => output,
    exitCode: () => child.exitCode,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
  if (options.ready === false) return server;
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`the server exited: ${output}`);
        return (await fetch(`${server.origin}/healthz`).catch(() => undefined))?.status === 200;
      },
      'the server did not start',
      { timeoutMs: 100_000, detail: () => output },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return server;
}
