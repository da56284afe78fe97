#!/usr/bin/env node
/**
 * `proctor-elements-admin <command> [--option value …]` (this package's bin; in a development
 * checkout `npm run admin -- …`): the admin API's operations, straight on the database
 * (DATABASE_URL, else PGlite in DATA_DIR; stop a PGlite server first). Prints JSON.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openDatabase, seedQuotas, setQuota } from './db.js';
import { LIMIT_ENV } from './security.js';
import { holdDataDir } from './lock.js';
import { HttpError } from './errors.js';
import { LoggingMailer } from './mailer.js';
import * as admin from './admin.js';

// the quotas kept in the database (quota_settings), by their environment variable
const QUOTAS: Record<string, string> = {
  [LIMIT_ENV.photosPerAttempt]: 'photos_per_attempt',
  [LIMIT_ENV.photoBytesPerAttempt]: 'photo_bytes_per_attempt',
  [LIMIT_ENV.attemptsPerClient]: 'attempts_per_client',
};
const QUOTA_NAMES = Object.keys(QUOTAS);

const USAGE = `usage: proctor-elements-admin <command> [options]
       (in a development checkout: npm run admin -- <command> [options])

  install create   --name N
  exam create      --install AI… --name N [--instructions T] [--last-start ISO]
  exam update      --install AI… --exam EX… [--name N] [--instructions T] [--last-start ISO]
  exam close       --install AI… --exam EX…
  exam list        --install AI…
  client create    --install AI… [--exam EX…]
  token create     --install AI… [--label L]
  candidate register --install AI… --exam EX… --attempt ID --email E [--name N]
  exam send-emails --install AI… --exam EX…   (logging mailer: emails suppressed, statuses set)
  quota list
  quota set        --name ${QUOTA_NAMES.join('|')} --value N   (every instance, at once)

Environment: DATABASE_URL (PostgreSQL) or DATA_DIR (PGlite folder, default .data/pglite).`;

const ARGS = {
  allowPositionals: true,
  options: {
    name: { type: 'string' },
    install: { type: 'string' },
    exam: { type: 'string' },
    instructions: { type: 'string' },
    'last-start': { type: 'string' },
    label: { type: 'string' },
    attempt: { type: 'string' },
    email: { type: 'string' },
    value: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
} as const;

/**
 * The command line, parsed; a malformed one (an unknown option, a value that looks like an option:
 * `--value -1`) is the tidy `error invalid_option: …` like every other mistake, not a Node stack.
 */
function parseCommandLine(): ReturnType<typeof parseArgs<typeof ARGS>> {
  try {
    return parseArgs(ARGS);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new HttpError(400, 'invalid_option', `${message}\n\n${USAGE}`);
  }
}

let positionals: string[] = [];
let values: ReturnType<typeof parseCommandLine>['values'] = {};

function need(name: keyof typeof values): string {
  const v = values[name];
  if (typeof v !== 'string' || !v) throw new HttpError(400, 'missing_option', `--${name} is required.\n\n${USAGE}`);
  return v;
}

async function main() {
  ({ positionals, values } = parseCommandLine());
  const command = positionals.join(' ');
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  const dataDir = resolve(process.env.DATA_DIR ?? '.data/pglite');
  const release = process.env.DATABASE_URL ? () => undefined : holdDataDir(dataDir);
  const db = await openDatabase(process.env, dataDir);
  try {
    const exam = () => ({
      name: values.name,
      instructions: values.instructions,
      lastStartDate: values['last-start'],
    });
    let result: unknown;
    switch (command) {
      case 'install create':
        result = await admin.createInstall(db, need('name'));
        break;
      case 'exam create':
        result = await admin.createExam(db, need('install'), { ...exam(), name: need('name') });
        break;
      case 'exam update':
        result = await admin.updateExam(db, need('install'), need('exam'), exam());
        break;
      case 'exam close':
        result = await admin.closeExam(db, need('install'), need('exam'));
        break;
      case 'exam list':
        result = await admin.listExams(db, need('install'));
        break;
      case 'client create':
        result = await admin.createClient(db, need('install'), values.exam);
        break;
      case 'token create':
        result = await admin.createToken(db, need('install'), values.label);
        break;
      case 'candidate register':
        result = await admin.registerCandidate(db, need('install'), need('exam'), {
          testAttemptId: need('attempt'),
          email: need('email'),
          name: values.name,
        });
        break;
      case 'exam send-emails':
        result = await admin.sendEmails(
          db,
          need('install'),
          need('exam'),
          new LoggingMailer((fields, msg) => console.error(JSON.stringify({ msg, ...fields }))),
        );
        break;
      case 'quota list': {
        const stored = await seedQuotas(db, {});
        result = Object.fromEntries(QUOTA_NAMES.map((env) => [env, stored[QUOTAS[env]] ?? null]));
        break;
      }
      case 'quota set': {
        const name = need('name');
        const value = need('value');
        if (!QUOTAS[name])
          throw new HttpError(400, 'invalid_option', `--name must be one of ${QUOTA_NAMES.join(', ')}, not "${name}".`);
        if (!/^[1-9][0-9]{0,14}$/.test(value))
          throw new HttpError(400, 'invalid_option', `--value must be a positive integer, not "${value}".`);
        await setQuota(db, QUOTAS[name], Number(value));
        result = { [name]: Number(value) };
        break;
      }
      default:
        throw new HttpError(400, 'unknown_command', `Unknown command "${command}".\n\n${USAGE}`);
    }
    console.log(JSON.stringify(result, null, 2));
  } finally {
    await db.close();
    release();
  }
}

main().catch((error: unknown) => {
  const e = error as { code?: string; message?: string };
  console.error(`error${e.code ? ` ${e.code}` : ''}: ${e.message ?? String(error)}`);
  process.exitCode = 1;
});
