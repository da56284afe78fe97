import type { Database } from './db.js';
import { newSecret, sid } from './ids.js';

export interface DemoSetup {
  installSid: string;
  examSid: string;
  clientId: string;
  clientSecret: string;
  token: string;
}

/** On first start: a demo install, exam, client and API token, so the demo page works at once. */
export async function seedDemo(db: Database): Promise<DemoSetup> {
  const existing = await db.query<{ client_id: string; secret: string; install_sid: string; exam_sid: string }>(
    "select client_id, secret, install_sid, exam_sid from clients where client_id = 'demo-client'",
  );
  if (existing.length) {
    const [c] = existing;
    const [t] = await db.query<{ token: string }>('select token from api_tokens where install_sid = $1 limit 1', [
      c.install_sid,
    ]);
    return {
      installSid: c.install_sid,
      examSid: c.exam_sid,
      clientId: c.client_id,
      clientSecret: c.secret,
      token: t.token,
    };
  }
  const setup: DemoSetup = {
    installSid: sid('AI'),
    examSid: sid('EX'),
    clientId: 'demo-client',
    clientSecret: newSecret(),
    token: newSecret(),
  };
  await db.transaction(async (tx) => {
    await tx.query("insert into installs (sid, name) values ($1, 'Demo install')", [setup.installSid]);
    await tx.query("insert into exams (sid, install_sid, name, status) values ($1, $2, 'Demo exam', 'open')", [
      setup.examSid,
      setup.installSid,
    ]);
    await tx.query('insert into clients (client_id, install_sid, exam_sid, secret) values ($1, $2, $3, $4)', [
      setup.clientId,
      setup.installSid,
      setup.examSid,
      setup.clientSecret,
    ]);
    await tx.query('insert into api_tokens (token, install_sid) values ($1, $2)', [setup.token, setup.installSid]);
  });
  return setup;
}
