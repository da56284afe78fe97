import type { Database } from './db.js';
import { newSecret, sid, tokenHash } from './ids.js';

export interface DemoSetup {
  installSid: string;
  examSid: string;
  clientId: string;
  clientSecret: string;
  token: string;
  /** True when this call created them (first start). */
  created: boolean;
}

/**
 * On first start: a demo install, an open demo exam, the client `demo-client` and an API token,
 * so the demo page and the dashboard work at once. The demo token is kept in clear in
 * demo_settings so later starts can print it again; real tokens are stored hashed only.
 */
export async function seedDemo(db: Database): Promise<DemoSetup> {
  const [existing] = await db.query<{ client_id: string; secret: string; install_sid: string; exam_sid: string }>(
    "select client_id, secret, install_sid, exam_sid from clients where client_id = 'demo-client'",
  );
  if (existing) {
    const [t] = await db.query<{ value: string }>("select value from demo_settings where key = 'token'");
    return {
      installSid: existing.install_sid,
      examSid: existing.exam_sid,
      clientId: existing.client_id,
      clientSecret: existing.secret,
      token: t.value,
      created: false,
    };
  }
  const setup: DemoSetup = {
    installSid: sid('AI'),
    examSid: sid('EX'),
    clientId: 'demo-client',
    clientSecret: newSecret(),
    token: newSecret(),
    created: true,
  };
  await db.transaction(async (tx) => {
    await tx.query("insert into installs (sid, name) values ($1, 'Demo install')", [setup.installSid]);
    await tx.query(
      "insert into exams (sid, install_sid, name, instructions, opened_at) values ($1, $2, 'Demo exam', 'Keep your face in view, stay on this page and work alone.', now())",
      [setup.examSid, setup.installSid],
    );
    await tx.query('insert into clients (client_id, install_sid, exam_sid, secret) values ($1, $2, $3, $4)', [
      setup.clientId,
      setup.installSid,
      setup.examSid,
      setup.clientSecret,
    ]);
    await tx.query("insert into api_tokens (token_sha256, install_sid, label) values ($1, $2, 'demo')", [
      tokenHash(setup.token),
      setup.installSid,
    ]);
    await tx.query("insert into demo_settings (key, value) values ('token', $1)", [setup.token]);
  });
  return setup;
}
