// Issue 19: the OpenAPI document is a complete contract: Redocly's linter finds no error, every
// operation has an operationId and a security declaration, query integers are integers, and every
// answer carries exactly the fields its response schema documents.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { attemptHeaders, backend, call, newAttempt, rawRequest, startServer, type Harness } from './harness.js';
import { TYPES_FILE, generateApiTypes } from '../src/openapi-types.js';

let s: Harness;
interface Schema {
  type?: string | string[];
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  required?: string[];
}
interface Operation {
  operationId?: string;
  security?: unknown[];
  parameters?: { name: string; in: string; schema: Schema }[];
  responses: Record<string, { content?: Record<string, { schema: Schema }> }>;
}
let doc: { servers?: unknown[]; paths: Record<string, Record<string, Operation>> };

before(async () => {
  s = await startServer({ ratePerSecond: 1000 });
  doc = (await call<typeof doc>(s.origin, 'GET', '/openapi.json')).body;
});
after(() => s.close());

const schemaOf = (path: string, method = 'get', status = '200') =>
  doc.paths[path][method].responses[status].content!['application/json'].schema;

/** The keys of `value` are exactly the schema's properties, recursively through objects and arrays. */
function assertShape(value: unknown, schema: Schema, where: string) {
  // a date-time is RFC 3339's (four-digit year): `+010000-01-01T…` is not one
  if (typeof value === 'string' && schema.format === 'date-time')
    assert.match(value, RFC3339, `${where} is documented as a date-time: ${value}`);
  if (value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    if (schema.items) value.forEach((v, i) => assertShape(v, schema.items!, `${where}[${i}]`));
    return;
  }
  if (!schema.properties) return;
  const documented = Object.keys(schema.properties).sort();
  const sent = Object.keys(value).sort();
  for (const key of schema.required ?? []) assert.ok(sent.includes(key), `${where}.${key} is documented but not sent`);
  for (const key of sent) assert.ok(documented.includes(key), `${where}.${key} is sent but not documented`);
  for (const key of sent)
    assertShape((value as Record<string, unknown>)[key], schema.properties[key], `${where}.${key}`);
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

describe(`the OpenAPI contract (${backend})`, () => {
  it("passes Redocly's linter with no error", () => {
    const dir = mkdtempSync(join(tmpdir(), 'openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      writeFileSync(file, JSON.stringify(doc));
      const run = spawnSync(process.execPath, ['node_modules/@redocly/cli/bin/cli.js', 'lint', file, '--format=json'], {
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
        timeout: 120_000,
      });
      const report = JSON.parse(run.stdout.slice(run.stdout.indexOf('{'))) as {
        totals: { errors: number; warnings: number };
        problems: { ruleId: string; message: string; severity: string }[];
      };
      const errors = report.problems.filter((p) => p.severity === 'error');
      assert.deepEqual(errors, [], run.stderr);
      assert.equal(report.totals.errors, 0);
      assert.equal(run.status, 0, run.stderr);
      // and no warning either, today: keep it so
      assert.deepEqual(
        report.problems.map((p) => `${p.ruleId}: ${p.message}`),
        [],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names every operation once, declares its security, and types query integers as integers', () => {
    assert.ok(doc.servers?.length);
    const ids: string[] = [];
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        assert.ok(op.operationId, `${method} ${path}: operationId`);
        assert.ok(Array.isArray(op.security), `${method} ${path}: security`);
        ids.push(op.operationId);
        for (const p of op.parameters ?? [])
          if (p.in === 'query' && (p.name === 'offset' || p.name === 'limit'))
            assert.equal(p.schema.type, 'integer', `${method} ${path} ${p.name}`);
      }
    assert.equal(new Set(ids).size, ids.length, 'operationIds are unique');
    assert.ok(ids.includes('listEventReports') && ids.includes('getExamSession'));
    // the load balancer's probe is part of the contract too
    assert.equal(doc.paths['/healthz']?.get?.operationId, 'getHealth');
  });

  it('sends exactly the documented fields', async () => {
    const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
    const created = await call<{ sessionSid: string }>(s.origin, 'POST', '/api/v1/attempts', { body: a });
    // each step's answer checked, so a failure names its cause (CI run 20, PostgreSQL: no event listed once)
    assert.ok(created.status < 300, `create: ${created.status} ${JSON.stringify(created.body)}`);
    const sessionSid = created.body.sessionSid;
    // one clock reading for a record that ends: Date.now() in the extras ran before the record's own
    // startedAt, and a millisecond tick between them made it "end before it starts" (CI run 23)
    const t0 = Date.now();
    const record = (seq: number, extra: Record<string, unknown> = {}) => ({
      id: randomUUID(),
      attemptId: a.testAttemptId,
      seq,
      code: 5001,
      type: 'no_face',
      startedAt: Date.now(),
      data: { score: 0.2 },
      ...extra,
    });
    const appended = await call(s.origin, 'POST', `/api/v1/attempts/${a.testAttemptId}/evidence`, {
      headers: attemptHeaders(a),
      body: {
        records: [record(1, { photoPending: true }), record(2, { startedAt: t0, endedAt: t0 + 5, durationMs: 5 })],
      },
    });
    assert.ok(appended.status < 300, `evidence: ${appended.status} ${JSON.stringify(appended.body)}`);
    const finished = await call(s.origin, 'POST', `/api/v1/attempts/${a.testAttemptId}/finish`, {
      headers: attemptHeaders(a),
      body: { finishedAt: Date.now(), trustScore: 90, counts: { no_face: 2 } },
    });
    assert.ok(finished.status < 300, `finish: ${finished.status} ${JSON.stringify(finished.body)}`);
    const install = `/v1/installs/${s.demo.installSid}`;
    const exam = `${install}/exams/${s.demo.examSid}`;
    const session = `${exam}/sessions/${sessionSid}`;
    const events = await call<{ results: { sid: string }[] }>(s.origin, 'GET', `${session}/events`, {
      token: s.demo.token,
    });
    assert.equal(events.body.results?.length, 2, `events: ${events.status} ${JSON.stringify(events.body)}`);
    await call(s.origin, 'POST', `${session}/annotations`, {
      token: s.demo.token,
      body: { text: 'ok', eventReportSid: events.body.results[0].sid },
    });
    const checks: [string, string][] = [
      [`${exam}/sessions`, '/v1/installs/{installSid}/exams/{examSid}/sessions'],
      [session, '/v1/installs/{installSid}/exams/{examSid}/sessions/{sessionSid}'],
      [`${session}/events`, '/v1/installs/{installSid}/exams/{examSid}/sessions/{sessionSid}/events'],
      [
        `${session}/events/${events.body.results[0].sid}`,
        '/v1/installs/{installSid}/exams/{examSid}/sessions/{sessionSid}/events/{eventReportSid}',
      ],
      [`${session}/annotations`, '/v1/installs/{installSid}/exams/{examSid}/sessions/{sessionSid}/annotations'],
      [`${install}/reports/examSessionEvents`, '/v1/installs/{installSid}/reports/examSessionEvents'],
      [`${install}/examVolume`, '/v1/installs/{installSid}/examVolume'],
      [`${install}/examVolume?groupBy=week`, '/v1/installs/{installSid}/examVolume'],
      [`${install}/examsByWeek`, '/v1/installs/{installSid}/examsByWeek'],
      [`${install}/exams`, '/v1/installs/{installSid}/exams'],
      [exam, '/v1/installs/{installSid}/exams/{examSid}'],
    ];
    for (const [url, path] of checks) {
      const res = await call(s.origin, 'GET', url, { token: s.demo.token });
      assert.equal(res.status, 200, url);
      assertShape(res.body, schemaOf(path), url);
    }
  });

  it('documents every status a route answers, provoked on every operation of the document', async () => {
    // general answers (bad input, a long URL or header, a body too large or of another type, no
    // credentials, an unknown id), sent to each operation the document lists; the fuzz test adds
    // the statuses of its 1,200 malformed requests
    const long = 'a'.repeat(5000);
    let provoked = 0;
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops)) {
        const documented = Object.keys(op.responses);
        const fill = (value: (name: string) => string) => path.replace(/\{(\w+)\}/g, (_, name: string) => value(name));
        const real = fill((name) => ({ installSid: s.demo.installSid, examSid: s.demo.examSid })[name] ?? 'X0');
        const withBody = ['post', 'put', 'patch'].includes(method);
        const requests: { what: string; url: string; init?: RequestInit; raw?: string }[] = [
          { what: 'a NUL in the query', url: `${real}?zz=%00` },
          { what: 'no credentials', url: real },
          { what: 'an unknown id', url: real, init: { headers: { token: s.demo.token } } },
          { what: 'headers over 16 KiB', url: real, raw: `X-Big: ${'y'.repeat(20_000)}` },
          { what: 'a URL over 16 KiB', url: `${real}?zz=${'q'.repeat(20_000)}` },
        ];
        if (path.includes('{')) requests.push({ what: 'a path parameter over 4 KiB', url: fill(() => long) });
        if (withBody)
          requests.push(
            {
              what: 'a body of another type',
              url: real,
              init: { body: '<x/>', headers: { 'content-type': 'text/xml' } },
            },
            {
              what: 'a body too large',
              url: real,
              init: {
                body: JSON.stringify({ x: 'z'.repeat(25 * 1024 * 1024) }),
                headers: { 'content-type': 'application/json' },
              },
            },
          );
        for (const r of requests) {
          let status: number;
          if (r.raw || r.url.length > 16_000) {
            const head = `${method.toUpperCase()} ${r.url} HTTP/1.1\r\nHost: localhost\r\n${r.raw ? `${r.raw}\r\n` : ''}Connection: close\r\n\r\n`;
            status = (await rawRequest(s.origin, [head])).status;
          } else {
            const res = await fetch(s.origin + r.url, { method: method.toUpperCase(), ...r.init });
            await res.arrayBuffer();
            status = res.status;
          }
          provoked++;
          assert.ok(
            documented.includes(String(status)),
            `${method.toUpperCase()} ${path} answers ${status} to ${r.what}; documented: ${documented.join(', ')}`,
          );
        }
      }
    assert.ok(provoked > 150, String(provoked));
  });

  it('refuses a date that lands past year 9999 in UTC, naming it, so every date-time answered is RFC 3339', async () => {
    const exams = `/v1/installs/${s.demo.installSid}/exams`;
    for (const lastStartDate of ['9999-12-31T23:59:59-05:00', '0001-01-01T00:30:00+01:00']) {
      const created = await call<{ message: string }>(s.origin, 'POST', exams, {
        token: s.demo.token,
        body: { name: 'edge', lastStartDate },
      });
      assert.equal(created.status, 400, JSON.stringify(created.body));
      assert.match(created.body.message, /body\/lastStartDate/);
      const patched = await call<{ message: string }>(s.origin, 'PATCH', `${exams}/${s.demo.examSid}`, {
        token: s.demo.token,
        body: { lastStartDate },
      });
      assert.equal(patched.status, 400, JSON.stringify(patched.body));
      assert.match(patched.body.message, /body\/lastStartDate/);
    }
    // the latest date that stays in year 9999 in UTC is kept, and answered as a date-time
    const ok = await call<Record<string, unknown>>(s.origin, 'POST', exams, {
      token: s.demo.token,
      body: { name: 'edge', lastStartDate: '9999-12-31T18:59:59-05:00' },
    });
    assert.equal(ok.status, 201, JSON.stringify(ok.body));
    assertShape(ok.body, schemaOf('/v1/installs/{installSid}/exams', 'post', '201'), 'created exam');
    assert.equal(ok.body.lastStartDate, '9999-12-31T23:59:59.000Z');
  });

  it("keeps the dashboard's generated API types in step with the document", async () => {
    const fresh = await generateApiTypes();
    assert.ok(
      readFileSync(TYPES_FILE, 'utf8') === fresh,
      'review/api.d.ts is stale: run `npm run openapi:types` (then `npm run typecheck` checks the dashboard)',
    );
  });
});
