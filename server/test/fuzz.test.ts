// Malformed requests on every route of the OpenAPI document (fast-check): each request is a valid
// one (real install, exam, session, attempt, pairing code and credentials, so it reaches the
// database) with ONE part replaced by a hostile value — NUL characters, unpaired surrogates,
// integers over 2^31, dates outside PostgreSQL's range, empty list elements, huge strings, wrong
// types, a missing required property, an unknown one. No answer may be a 5xx; every error is
// {code, message}; a 400 names the field that was changed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { EvidenceCode } from 'proctor-elements/vocabulary';
import { backend, call, newAttempt, startServer, attemptHeaders, type Attempt, type Harness } from './harness.js';

/** The start of a JPEG (SOI, APP0): enough for the server's image check. */
const TINY_JPEG = `data:image/jpeg;base64,${Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]).toString('base64')}`;

let s: Harness;
const ADMIN = 'fuzz-admin-token';
let attempt: Attempt;
let ids: Record<string, string> = {};

before(async () => {
  s = await startServer({
    adminToken: ADMIN,
    ratePerSecond: 1_000_000,
    limits: { authFailuresPerMinute: 1_000_000 },
    pairing: { createPerMinute: 1_000_000 },
    logLevel: 'fatal',
  });
  attempt = newAttempt(s.demo.clientId, s.demo.clientSecret);
  const created = await call<{ sessionSid: string }>(s.origin, 'POST', '/api/v1/attempts', { body: attempt });
  const evidenceId = randomUUID();
  await call(s.origin, 'POST', `/api/v1/attempts/${attempt.testAttemptId}/evidence`, {
    headers: attemptHeaders(attempt),
    body: {
      records: [
        {
          id: evidenceId,
          attemptId: attempt.testAttemptId,
          seq: 1,
          code: 5005,
          type: 'tab_switch',
          startedAt: Date.now(),
        },
      ],
    },
  });
  const base = `/v1/installs/${s.demo.installSid}/exams/${s.demo.examSid}/sessions/${created.body.sessionSid}`;
  const events = await call<{ results: { eventReportSid: string }[] }>(s.origin, 'GET', `${base}/events`, {
    token: s.demo.token,
  });
  const annotation = await call<{ annotationSid?: string; sid?: string }>(s.origin, 'POST', `${base}/annotations`, {
    token: s.demo.token,
    body: { text: 'fuzz' },
  });
  const pairing = await call<{ code: string }>(s.origin, 'POST', '/api/v1/pairings', { body: {} });
  ids = {
    installSid: s.demo.installSid,
    examSid: s.demo.examSid,
    sessionSid: created.body.sessionSid,
    testAttemptId: attempt.testAttemptId,
    evidenceId,
    eventReportSid: events.body.results[0]?.eventReportSid ?? 'ER0',
    annotationSid: annotation.body.annotationSid ?? annotation.body.sid ?? 'AN0',
    code: pairing.body.code,
  };
});
after(() => s.close());

// --- hostile values -----------------------------------------------------------------------------------
const HOSTILE: unknown[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '',
  ' ',
  ',',
  'a,,b',
  ',createdDate',
  'createdDate,',
  '-infinity',
  'infinity',
  '0001-01-01T00:00:00Z',
  '4714-11-24T00:00:00Z BC',
  '294277-01-01T00:00:00Z',
  '+275760-09-13T00:00:00.000Z',
  '2024-02-30T00:00:00Z',
  '1e999',
  'NaN',
  '-1',
  '2147483648',
  '99999999999999999999',
  '%00',
  "'; drop table sessions; --",
  '😀',
  '\u202e',
  'x'.repeat(70_000),
  2 ** 31,
  -(2 ** 31) - 1,
  2 ** 53,
  1e308,
  -1e308,
  8.64e15 + 1,
  -1,
  1.5,
  0,
  true,
  null,
  [],
  [''],
  [null],
  {},
  { '\u0000': 1 },
  { a: '\ud83d' },
];
const hostile = fc.constantFrom(...HOSTILE);

// --- valid values from a JSON schema --------------------------------------------------------------------
type Schema = {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
};

function valid(schema: Schema | undefined, key = ''): fc.Arbitrary<unknown> {
  if (!schema) return fc.constant({});
  // query values the routes check by hand (lists of names): a valid one, or none
  if (key === 'sortKeys') return fc.constant(undefined);
  // a record has an inline photo or announces one (photoPending), not both
  if (key === 'photoPending') return fc.constant(false);
  if (key === 'limit') return fc.constantFrom('1', '50', '500');
  if (key === 'types') return fc.constantFrom(undefined, 'tab_switch', 'tab_switch,no_face');
  if (schema.enum) return fc.constantFrom(...schema.enum);
  // status filters (no enum in the schema) are checked by the route against their vocabularies
  if (['status', 'sessionStatus', 'reviewStatus'].includes(key)) return fc.constant(undefined);
  // the sessions list's cursor is opaque: only one the server gave in `next` is valid
  if (key === 'after') return fc.constant(undefined);
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return fc.oneof(...union.map((u) => valid(u, key)));
  if (
    ids[key] !== undefined &&
    schema.type === 'string' &&
    (!schema.pattern || new RegExp(schema.pattern).test(ids[key]))
  )
    return fc.constant(ids[key]);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      if (schema.format === 'uuid') return fc.uuid();
      if (schema.format === 'date-time' || /^(from|to)$|Date$/.test(key))
        return fc
          .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
          .map((d) => d.toISOString());
      if (schema.format === 'email') return fc.constant('candidate@example.org');
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern), { maxLength: 40 });
      return fc.string({
        minLength: Math.max(1, schema.minLength ?? 1),
        maxLength: Math.min(schema.maxLength ?? 20, 20),
      });
    case 'integer': {
      const min = Math.max(schema.minimum ?? 0, -1000);
      return fc.integer({ min, max: Math.min(schema.maximum ?? min + 1000, min + 1000) });
    }
    case 'number': {
      // a finish is now: earlier is before the attempt's start (its own 400), later than a day ahead too
      if (key === 'finishedAt') return fc.constant(Date.now());
      // numbers are times (ms since 1970) or durations
      const min = Math.max(schema.minimum ?? 0, 0);
      return fc.integer({ min, max: Math.max(min, Math.min(schema.maximum ?? Date.now(), Date.now())) });
    }
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valid(schema.items), { minLength: Math.max(1, schema.minItems ?? 0), maxLength: 3 });
    case 'object': {
      const props = schema.properties ?? {};
      const fixed = fc.record(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, valid(v, k)])), {
        requiredKeys: (schema.required ?? []).filter((k) => k in props),
      });
      if (typeof schema.additionalProperties !== 'object') return fixed;
      const extra = fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), valid(schema.additionalProperties), {
        maxKeys: 3,
      });
      return fc.tuple(extra, fixed).map(([e, f]) => ({ ...e, ...f }));
    }
    default:
      return fc.constant({});
  }
}

/** Every path inside a JSON value (objects and arrays), the root included. */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}
function setAt(root: unknown, path: (string | number)[], value: unknown, remove = false): unknown {
  if (!path.length) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  if (remove) delete node[path.at(-1)!];
  else node[path.at(-1)!] = value;
  return copy;
}

// --- requests ---------------------------------------------------------------------------------------------
interface Operation {
  method: string;
  path: string;
  parameters: { in: 'path' | 'query'; name: string; required?: boolean; schema: Schema }[];
  body?: Schema;
  raw: boolean;
  /** The statuses the document lists for it: an answer with another fails the test. */
  documented: string[];
}
interface Fuzzed {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  /** The name of the field that was made hostile and its parents' (empty: a whole-body change). */
  fields: string[];
  what: string;
}

function credentials(op: Operation): Record<string, string> {
  if (op.path.startsWith('/api/v1/attempts/')) return attemptHeaders(attempt);
  if (op.path === '/v1/installs' && op.method === 'POST') return { token: ADMIN };
  if (op.path.startsWith('/v1/')) return { token: s.demo.token };
  return {};
}

function fuzzed(op: Operation): fc.Arbitrary<Fuzzed> {
  const params = Object.fromEntries(op.parameters.map((p) => [`${p.in}:${p.name}`, valid(p.schema, p.name)]));
  const body = op.body ? valid(op.body) : fc.constant(undefined);
  const bodiless = op.method === 'GET' || op.method === 'HEAD';
  return fc
    .tuple(fc.record(params), body, fc.nat(), hostile, fc.constantFrom('replace', 'remove', 'unknown', 'whole'))
    .map(([values, b, pick, bad, how]) => {
      let bodyValue = b;
      // the evidence route needs records of its own attempt; attempt creation a real HMAC
      // a valid record also says the same thing twice (its code is its type's), ends after it starts,
      // and carries a real image (rules beyond the schema: ingest.ts)
      if (op.path.endsWith('/evidence') && bodyValue)
        for (const r of (
          bodyValue as {
            records: {
              attemptId: string;
              type: string;
              code: number;
              startedAt: number;
              endedAt?: number;
              photo?: string;
            }[];
          }
        ).records) {
          r.attemptId = attempt.testAttemptId;
          r.code = EvidenceCode[r.type as keyof typeof EvidenceCode] ?? r.code;
          if (r.endedAt !== undefined && r.endedAt < r.startedAt) r.endedAt = r.startedAt;
          if (r.photo !== undefined) r.photo = TINY_JPEG;
        }
      if (op.path === '/api/v1/attempts' && bodyValue) {
        const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
        Object.assign(bodyValue, a);
      }
      const query: Record<string, unknown> = {};
      const pathValues: Record<string, unknown> = {};
      for (const p of op.parameters) (p.in === 'path' ? pathValues : query)[p.name] = values[`${p.in}:${p.name}`];
      // what to make hostile: one parameter, or one place in the body
      const targets: { kind: 'path' | 'query' | 'body'; path: (string | number)[] }[] = [
        ...op.parameters.map((p) => ({ kind: p.in, path: [p.name] })),
        ...(op.body && how !== 'whole' ? paths(bodyValue).map((path) => ({ kind: 'body' as const, path })) : []),
      ];
      let fields: string[] = [];
      let what: string;
      const target = targets.length ? targets[pick % targets.length] : undefined;
      if (bodiless && (how === 'whole' || !target || target.kind === 'body')) {
        // a GET: an unknown query parameter instead of a body
        query['zz-unknown'] = typeof bad === 'object' ? JSON.stringify(bad) : bad;
        what = 'unknown query parameter';
      } else if (how === 'whole' || !target) {
        bodyValue = bad;
        what = `body := ${JSON.stringify(bad)?.slice(0, 60)}`;
      } else if (target.kind === 'body') {
        // the changed key, or a parent of it (a route may name the record a value belongs to)
        const named = target.path.filter((k): k is string => typeof k === 'string');
        if (how === 'remove' && target.path.length) {
          bodyValue = setAt(bodyValue, target.path, undefined, true);
          // a required key, or the object that now has too few (`body` at the top)
          fields =
            typeof target.path.at(-1) === 'string' ? [...named.slice(-2), ...(named.length === 1 ? ['body'] : [])] : [];
          what = `remove body/${target.path.join('/')}`;
        } else if (how === 'unknown' && bodyValue && typeof bodyValue === 'object' && !Array.isArray(bodyValue)) {
          bodyValue = { ...bodyValue, 'zz-unknown': bad };
          fields = ['zz-unknown'];
          what = 'unknown property';
        } else {
          bodyValue = setAt(bodyValue, target.path, bad);
          fields = named;
          what = `body/${target.path.join('/')} := ${JSON.stringify(bad)?.slice(0, 60)}`;
        }
      } else {
        const holder = target.kind === 'path' ? pathValues : query;
        holder[target.path[0]] = Array.isArray(bad) ? bad : typeof bad === 'object' && bad ? JSON.stringify(bad) : bad;
        fields = [String(target.path[0])];
        what = `${target.kind}:${fields[0]} := ${JSON.stringify(bad)?.slice(0, 60)}`;
      }
      const url = op.path.replace(/\{(\w+)\}/g, (_, k: string) => encode(asText(pathValues[k]))) + queryString(query);
      const raw = op.raw
        ? {
            body: Buffer.from(typeof bad === 'string' ? bad : (JSON.stringify(bad) ?? '')),
            type: pick % 2 ? 'image/jpeg' : 'application/octet-stream',
          }
        : undefined;
      return {
        method: op.method,
        url,
        headers: {
          ...credentials(op),
          ...(raw
            ? { 'content-type': raw.type }
            : bodyValue !== undefined
              ? { 'content-type': 'application/json' }
              : {}),
        },
        body: raw ? raw.body : bodyValue === undefined ? undefined : JSON.stringify(bodyValue),
        fields: raw ? [] : fields,
        what: raw ? `raw body ${raw.type}` : what,
      };
    });
}

const asText = (v: unknown): string =>
  v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : `${v as string | number | boolean}`;

/** Percent-encoding that keeps an unpaired surrogate as the bytes a careless client sends (CESU-8, invalid UTF-8). */
function encode(value: string) {
  const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
  return encodeURIComponent(value.replace(lone, '\uFFFD')).replace(/%EF%BF%BD/g, '%ED%A0%80');
}

function queryString(query: Record<string, unknown>) {
  const params: string[] = [];
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    // an array becomes a repeated parameter; an empty one, an empty value
    for (const item of Array.isArray(v) ? (v.length ? v : ['']) : [v]) params.push(`${k}=${encode(String(item))}`);
  }
  return params.length ? `?${params.join('&')}` : '';
}

describe(`malformed requests on every OpenAPI route (${backend})`, () => {
  it('answers every one with a 4xx {code, message} (never a 5xx), a 400 naming the changed field', async (t) => {
    const doc = (await (await fetch(`${s.origin}/openapi.json`)).json()) as {
      paths: Record<
        string,
        Record<
          string,
          {
            parameters?: Operation['parameters'];
            requestBody?: { content: Record<string, { schema: Schema }> };
            responses: Record<string, unknown>;
          }
        >
      >;
    };
    const operations: Operation[] = [];
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops))
        operations.push({
          method: method.toUpperCase(),
          path,
          parameters: (op.parameters ?? []).filter((p) => p.in === 'path' || p.in === 'query'),
          body: op.requestBody?.content['application/json']?.schema,
          // raw image bodies: the photo uploads (PUT; the GET of a photo takes no body) and the speed test
          raw: (path.includes('/photos/') && method !== 'get') || path.endsWith('/upload'),
          documented: Object.keys(op.responses),
        });
    assert.ok(operations.length >= 30, `only ${operations.length} operations documented`);
    const statuses = new Map<number, number>();
    let sent = 0;
    const runsPerRoute = Math.ceil(1200 / operations.length);
    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(fuzzed(op), async (req) => {
          const res = await fetch(s.origin + req.url, { method: req.method, headers: req.headers, body: req.body });
          const text = await res.text();
          sent++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const where = `${req.method} ${req.url.slice(0, 120)} (${req.what}) → ${res.status} ${text.slice(0, 200)}`;
          assert.ok(res.status < 500, where);
          assert.ok(op.documented.includes(String(res.status)), `undocumented status: ${where}`);
          if (res.status >= 400) {
            const body = JSON.parse(text) as { code?: unknown; message?: unknown };
            assert.equal(typeof body.code, 'string', where);
            assert.equal(typeof body.message, 'string', where);
            // a path the router cannot decode (invalid UTF-8) is refused before parameters exist: `url:`
            const message = body.message as string;
            const pointer = (f: string) => f.replace(/~/g, '~0').replace(/\//g, '~1'); // Ajv's instancePath
            const named =
              req.fields.some((f) => message.includes(f) || message.includes(pointer(f))) ||
              (req.what.startsWith('path:') && message.startsWith('url:'));
            if (res.status === 400 && req.fields.length) assert.ok(named, `names no field: ${where}`);
          }
        }),
        { numRuns: runsPerRoute, includeErrorInReport: true },
      );
    }
    t.diagnostic(
      `${sent} requests on ${operations.length} routes; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    assert.ok(sent >= 1000);
  });
});
