/**
 * One fresh database per test file: PGlite in memory by default; with TEST_BACKEND=postgres, a
 * throw-away schema on the PostgreSQL server at DATABASE_URL (scripts/test-server.mjs runs the
 * suite both ways when DATABASE_URL is set).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type AddressInfo } from 'node:net';
import { buildApp, type AppOptions } from '../src/app.js';
import { openPglite, openPostgres, type Database } from '../src/db.js';
import { hashAttempt } from '../src/ids.js';
import { seedDemo, type DemoSetup } from '../src/seed.js';

export const backend = process.env.TEST_BACKEND === 'postgres' ? 'postgres' : 'pglite';

/** `migrateUpTo`: stop at that schema version (to test a later migration over older data). */
export async function openTestDb(migrateUpTo?: number): Promise<Database> {
  if (backend === 'pglite') return openPglite(undefined, { migrateUpTo });
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('TEST_BACKEND=postgres needs DATABASE_URL.');
  return openPostgres(url, {
    schema: `test_${randomBytes(6).toString('hex')}`,
    dropSchemaOnClose: true,
    max: 4,
    migrateUpTo,
  });
}

export interface Harness {
  db: Database;
  demo: DemoSetup;
  app: Awaited<ReturnType<typeof buildApp>>;
  /** http://127.0.0.1:port — a real socket, for fetch. */
  origin: string;
  close(): Promise<void>;
}

export async function startServer(options: Omit<AppOptions, 'db'> = {}): Promise<Harness> {
  const db = await openTestDb();
  const demo = await seedDemo(db);
  const app = await buildApp({ db, ...options });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    db,
    demo,
    app,
    origin,
    close: async () => {
      await app.close();
      await db.close();
    },
  };
}

export interface Attempt {
  clientId: string;
  testAttemptId: string;
  hashedTestAttemptId: string;
}
export const newAttempt = (clientId: string, secret: string, testAttemptId = `t-${randomUUID()}`): Attempt => ({
  clientId,
  testAttemptId,
  hashedTestAttemptId: hashAttempt(secret, testAttemptId),
});
export const attemptHeaders = (a: Attempt) => ({
  'x-ap-client-id': a.clientId,
  'x-ap-attempt-hash': a.hashedTestAttemptId,
});
/**
 * One evidence record of attempt `a` as a page sends it in POST …/evidence: a 5005 tab_switch, seq 1,
 * with a fresh id, started now (ms since the epoch); `fields` replace or add to these (seq, code and
 * type, endedAt / durationMs, data, photoPending, …).
 */
export const evidenceRecord = <T extends object = object>(a: Pick<Attempt, 'testAttemptId'>, fields?: T) => ({
  id: randomUUID(),
  attemptId: a.testAttemptId,
  seq: 1,
  code: 5005,
  type: 'tab_switch',
  startedAt: Date.now(),
  ...fields,
});

/** A JSON request over real HTTP; answers {status, body}. */
export async function call<T = Record<string, unknown>>(
  origin: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: T }> {
  const res = await fetch(origin + path, {
    method,
    headers: {
      ...(options.token !== undefined ? { token: options.token } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/**
 * Sends `parts` over a raw socket to `origin` (a 50 ms pause between them, so they arrive as separate
 * reads) and parses the answer: for what fetch and http.request refuse to send (malformed request
 * lines, no Host header, URLs over 16 KiB).
 */
export function rawRequest(origin: string, parts: string[]) {
  const { hostname, port } = new URL(origin);
  return new Promise<{ status: number; head: string; headers: Record<string, string>; body: string }>(
    (resolve, reject) => {
      const socket = connect(Number(port), hostname);
      let answer = '';
      socket.on('data', (d: Buffer) => (answer += d.toString('latin1')));
      socket.on('error', reject);
      socket.on('close', () => {
        const [head, body = ''] = answer.split('\r\n\r\n');
        const headers: Record<string, string> = {};
        for (const line of head.split('\r\n').slice(1)) {
          const at = line.indexOf(':');
          if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
        }
        resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0), head, headers, body });
      });
      const send = async () => {
        for (const [i, part] of parts.entries()) {
          if (i) await new Promise((r) => setTimeout(r, 50));
          if (!socket.writable) return;
          socket.write(part);
        }
      };
      socket.on('connect', () => void send());
    },
  );
}
