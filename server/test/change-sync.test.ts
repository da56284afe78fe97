// Issue 19: event reports change in place (a violation's end, a photo that lands later, the session
// closing over a violation still open). A sync job that pages forward and remembers where it stopped
// must see each event with its final state: with the change cursor (changedAfter). A createdDate
// window (eventTimeRangeStart / eventTimeRangeEnd) gives each event once, as first stored, whatever
// changes while the job pages. Real server, real HTTP.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { attemptHeaders, backend, call, newAttempt, startServer, type Attempt, type Harness } from './harness.js';

let s: Harness;
let token: string;
let install: string; // /v1/installs/{installSid}
let exam: string; // …/exams/{examSid}

before(async () => {
  s = await startServer({ ratePerSecond: 10_000 });
  token = s.demo.token;
  install = `/v1/installs/${s.demo.installSid}`;
  exam = `${install}/exams/${s.demo.examSid}`;
});
after(() => s.close());

interface Event {
  sid: string;
  sessionSid: string;
  evidenceId: string;
  type: string;
  endedDate: string | null;
  durationMs: number | null;
  hasPhoto: boolean;
  photoPending: boolean;
  ongoing: boolean;
  changeSeq: number;
  changedDate: string;
  createdDate: string;
}
interface Page {
  total: number;
  count: number;
  next: string | null;
  cursor: number | null;
  results: Event[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 0xff, 0xd9]);
const T0 = Date.parse('2026-11-20T10:00:00Z');

/** One exam page: begins violations (photo announced), ends them, sends photos late, finishes. */
class ExamPage {
  readonly attempt: Attempt = newAttempt(s.demo.clientId, s.demo.clientSecret);
  sessionSid = '';
  private seq = 0;
  private open = new Map<string, { id: string; type: string; code: number; startedAt: number; seq: number }>();

  private async send(method: string, rest: string, body?: unknown, status = 200) {
    const res = await call(s.origin, method, `/api/v1/attempts/${this.attempt.testAttemptId}${rest}`, {
      body,
      headers: attemptHeaders(this.attempt),
    });
    assert.equal(res.status, status, `${method} ${rest}: ${JSON.stringify(res.body)}`);
    return res.body;
  }
  private record(type: string, code: number, extra: object = {}) {
    const seq = ++this.seq;
    return {
      id: randomUUID(),
      attemptId: this.attempt.testAttemptId,
      seq,
      code,
      type,
      startedAt: T0 + seq * 1000,
      ...extra,
    };
  }
  /** A violation confirmed: sent at once, without its end, its photo to follow. */
  async begin(type = 'no_face', code = 5001) {
    const r = this.record(type, code, { photoPending: true });
    await this.send('POST', '/evidence', { records: [r] });
    this.open.set(r.id, r);
    return r.id;
  }
  /** A single moment (a routine photo), its photo to follow. */
  async moment() {
    const r = this.record('random_photo', 5003, { photoPending: true });
    await this.send('POST', '/evidence', { records: [r] });
    return r.id;
  }
  async end(id: string) {
    const r = this.open.get(id)!;
    this.open.delete(id);
    const endedAt = r.startedAt + 700;
    await this.send('POST', '/evidence', {
      records: [{ ...r, attemptId: this.attempt.testAttemptId, endedAt, durationMs: 700, photoPending: true }],
    });
  }
  async photo(id: string) {
    const res = await fetch(`${s.origin}/api/v1/attempts/${this.attempt.testAttemptId}/photos/${id}`, {
      method: 'PUT',
      headers: { ...attemptHeaders(this.attempt), 'content-type': 'image/jpeg' },
      body: JPEG,
    });
    assert.equal(res.status, 201, await res.text());
  }
  async finish() {
    await this.send('POST', '/finish', { finishedAt: T0 + 3_600_000 });
  }
}
const page = async () => {
  const p = new ExamPage();
  const res = await call<{ sessionSid: string }>(s.origin, 'POST', '/api/v1/attempts', { body: p.attempt });
  assert.equal(res.status, 201);
  p.sessionSid = res.body.sessionSid;
  return p;
};

/**
 * An LMS sync job, written from the README: page forward from its cursor until a page is empty,
 * keep each event by sid (the latest copy wins), remember the cursor; sleep; repeat. It sends
 * sortKeys=createdDate out of habit (ignored with changedAfter).
 */
class CursorSync {
  cursor = 0;
  readonly events = new Map<string, Event>();
  constructor(private readonly path: string) {}
  async round() {
    for (let pages = 0; ; pages++) {
      assert.ok(pages < 1000, 'the round ends');
      const res = await call<Page>(
        s.origin,
        'GET',
        `${this.path}?changedAfter=${this.cursor}&limit=3&sortKeys=createdDate&offset=`,
        { token },
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      if (!res.body.results.length) return;
      for (const e of res.body.results) this.events.set(e.sid, e);
      assert.ok(res.body.cursor! > this.cursor, 'the cursor moves forward');
      this.cursor = res.body.cursor!;
    }
  }
}

/** The server's state of every event under `path` (all of them, by offset, quiescent). */
async function serverState(path: string) {
  const all = new Map<string, Event>();
  for (let offset = 0; ; offset += 500) {
    const res = await call<Page>(s.origin, 'GET', `${path}?limit=500&offset=${offset}`, { token });
    assert.equal(res.status, 200);
    for (const e of res.body.results) all.set(e.sid, e);
    if (!res.body.next) return all;
  }
}

describe(`sync of changed event reports (${backend})`, () => {
  it('a cursor sync sees each violation end, each late photo, and the session closing over open ones', async () => {
    const a = await page();
    const b = await page();
    const lms = new CursorSync(`${exam}/sessions/${a.sessionSid}/events`);
    const installLms = new CursorSync(`${install}/reports/examSessionEvents`);
    const noFace = await a.begin();
    await a.photo(noFace); // its photo lands before the first read; only its end comes later
    const routine = await a.moment();
    const tab = await a.begin('tab_switch', 5005);
    const cameraLost = await b.begin('camera_lost', 5101);
    await lms.round();
    await installLms.round();
    assert.equal(lms.events.size, 3);
    const first = [...lms.events.values()].find((e) => e.evidenceId === noFace)!;
    assert.deepEqual([first.ongoing, first.endedDate, first.photoPending, first.hasPhoto], [true, null, false, true]);
    const pending = [...lms.events.values()].find((e) => e.evidenceId === tab)!;
    assert.deepEqual([pending.ongoing, pending.photoPending, pending.hasPhoto], [true, true, false]);

    // after the first page was read: the violation ends, its photo and the routine photo land late
    await a.end(noFace);
    await a.photo(routine);
    // session B is finished while its camera_lost is still open; A finishes, then tab_switch's end arrives late
    await b.finish();
    await a.finish();
    await a.end(tab);
    await a.photo(tab);
    await sleep(10);
    await lms.round();
    await installLms.round();

    const byId = (m: Map<string, Event>, id: string) => [...m.values()].find((e) => e.evidenceId === id)!;
    for (const id of [noFace, tab]) {
      const e = byId(lms.events, id);
      assert.equal(e.ongoing, false, e.type);
      assert.equal(e.durationMs, 700, `${e.type} has its end`);
      assert.ok(e.endedDate);
      assert.deepEqual([e.hasPhoto, e.photoPending], [true, false], `${e.type} has its photo`);
    }
    assert.deepEqual([byId(lms.events, routine).hasPhoto, byId(lms.events, routine).photoPending], [true, false]);
    const closed = byId(installLms.events, cameraLost);
    assert.deepEqual([closed.ongoing, closed.endedDate], [false, null], 'closed with its session, no end invented');
    // the jobs' copies are the server's state, field for field
    assert.deepEqual(lms.events, await serverState(`${exam}/sessions/${a.sessionSid}/events`));
    assert.deepEqual(installLms.events, await serverState(`${install}/reports/examSessionEvents`));
    // nothing changed since: a further round reads nothing and keeps its cursor
    const cursor = lms.cursor;
    await lms.round();
    assert.equal(lms.cursor, cursor);
  });

  it('a cursor sync running while exams deliver ends with every event in its final state', async () => {
    const lms = new CursorSync(`${install}/reports/examSessionEvents`);
    await lms.round(); // the events of earlier tests
    let delivering = true;
    const pages = await Promise.all([page(), page(), page()]);
    const exams = Promise.all(
      pages.map(async (p, k) => {
        const late: string[] = [];
        for (let i = 0; i < 6; i++) {
          const id = await p.begin(i % 2 ? 'multiple_people' : 'no_face', i % 2 ? 5002 : 5001);
          late.push(await p.moment());
          // half the photos land before the violation ends, half after
          if (i % 2) await p.photo(id);
          await sleep(3);
          // the last violation of every second page is still open when its page finishes
          if (!(k % 2 === 0 && i === 5)) await p.end(id);
          if (!(i % 2)) await p.photo(id);
        }
        await p.finish();
        for (const id of late) await p.photo(id); // the routine photos land after the finish
      }),
    ).finally(() => (delivering = false));
    for (let quiet = 0; quiet < 2;) {
      const wasDelivering = delivering;
      await lms.round();
      if (!wasDelivering) quiet++;
      await sleep(5);
    }
    await exams;
    await lms.round();
    const server = await serverState(`${install}/reports/examSessionEvents`);
    assert.deepEqual(lms.events, server);
    const ours = [...server.values()].filter((e) => pages.some((p) => p.sessionSid === e.sessionSid));
    assert.equal(ours.length, 3 * 12);
    assert.ok(ours.every((e) => e.hasPhoto && !e.photoPending && !e.ongoing));
    assert.equal(ours.filter((e) => e.type !== 'random_photo' && e.endedDate === null).length, 2);
  });

  it('following next from changedAfter=0 reads each event once; a malformed cursor is a 400', async () => {
    const path = `${install}/reports/examSessionEvents`;
    const server = await serverState(path);
    const seen: string[] = [];
    let url: string | null = `${path}?changedAfter=0&limit=7`;
    while (url) {
      const res: { status: number; body: Page } = await call<Page>(s.origin, 'GET', url, { token });
      assert.equal(res.status, 200);
      seen.push(...res.body.results.map((e) => e.sid));
      url = res.body.next;
    }
    assert.equal(new Set(seen).size, seen.length);
    assert.deepEqual([...seen].sort(), [...server.keys()].sort());
    for (const bad of ['-1', 'abc', '1.5']) {
      const res = await call<{ code: string; message: string }>(s.origin, 'GET', `${path}?changedAfter=${bad}`, {
        token,
      });
      assert.equal(res.status, 400, bad);
      assert.ok(res.body.message.includes('querystring/changedAfter'), res.body.message);
    }
  });

  it('a window sync on eventTimeRangeStart / End (createdDate) reads each event once; changedAfter then brings its end and photo', async () => {
    // the job's windows end MARGIN before now (the README says 10 s or more while exams deliver;
    // here each round runs after the writes it must see have committed)
    const MARGIN = 1000;
    const path = `${install}/reports/examSessionEvents`;
    const reads = new Map<string, number>();
    // the job starts now: the events of earlier tests were stored before its first window
    await sleep(20);
    let windowStart = new Date().toISOString();
    const round = async () => {
      await sleep(MARGIN + 100);
      const windowEnd = new Date(Date.now() - MARGIN).toISOString();
      const window = `eventTimeRangeStart=${encodeURIComponent(windowStart)}&eventTimeRangeEnd=${encodeURIComponent(windowEnd)}`;
      // SmarterProctoring's loop: offset += limit until a page comes back empty
      for (let offset = 0; ; offset += 2) {
        const res = await call<Page>(
          s.origin,
          'GET',
          `${path}?${window}&sortKeys=createdDate&offset=${offset}&limit=2`,
          {
            token,
          },
        );
        assert.equal(res.status, 200);
        if (!res.body.results.length) break;
        for (const e of res.body.results) reads.set(e.sid, (reads.get(e.sid) ?? 0) + 1);
      }
      windowStart = windowEnd;
    };
    const p = await page();
    const v = await p.begin();
    await p.photo(v);
    const m = await p.moment();
    await round();
    assert.equal(reads.size, 2);
    await p.end(v);
    await round();
    await p.photo(m);
    const w = await p.begin('fullscreen_exit', 5009);
    await p.finish();
    await p.photo(w);
    await round();
    // each event once, in the window it was stored in: its end and photo did not move it
    assert.deepEqual([...reads.values()], [1, 1, 1]);
    const state = new Map([...(await serverState(path))].filter(([, e]) => e.sessionSid === p.sessionSid));
    assert.deepEqual([...reads.keys()].sort(), [...state.keys()].sort());
    // the change cursor brings every event's final state (ends, photos)
    const latest = new Map<string, Event>();
    for (let url: string | null = `${path}?changedAfter=0&limit=50`; url;) {
      const res: { status: number; body: Page } = await call<Page>(s.origin, 'GET', url, { token });
      assert.equal(res.status, 200);
      for (const e of res.body.results) if (e.sessionSid === p.sessionSid) latest.set(e.sid, e);
      url = res.body.next;
    }
    assert.deepEqual(latest, state);
    assert.ok([...latest.values()].every((e) => e.hasPhoto && !e.ongoing));
  });

  it("a window read by offsets (SmarterProctoring's loop) or by next skips nothing when an event changes mid-paging", async () => {
    // found by two new users: over a window on changedDate an event that ended between two pages
    // left the window, and the offsets then skipped the one after it for good
    const path = `${install}/reports/examSessionEvents`;
    await sleep(20);
    const windowStart = new Date().toISOString();
    const p = await page();
    const ids: string[] = [];
    for (let i = 0; i < 9; i++) ids.push(await p.begin());
    await sleep(1200);
    const windowEnd = new Date(Date.now() - 1000).toISOString();
    const window = `eventTimeRangeStart=${encodeURIComponent(windowStart)}&eventTimeRangeEnd=${encodeURIComponent(windowEnd)}`;
    // by offsets: the first violation ends after the first page, the second after the second
    const byOffset: string[] = [];
    for (let offset = 0, pages = 0; ; offset += 3, pages++) {
      const res = await call<Page>(s.origin, 'GET', `${path}?${window}&offset=${offset}&limit=3`, { token });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      if (!res.body.results.length) break;
      byOffset.push(...res.body.results.map((e) => e.evidenceId));
      if (pages < 2) await p.end(ids[pages]);
    }
    assert.deepEqual(byOffset, ids);
    // by next: the third ends while the job pages
    const byNext: string[] = [];
    let url: string | null = `${path}?${window}&limit=3`;
    for (let pages = 0; url; pages++) {
      assert.ok(pages < 20, 'the window ends');
      const res: { status: number; body: Page } = await call<Page>(s.origin, 'GET', url, { token });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      byNext.push(...res.body.results.map((e) => e.evidenceId));
      if (pages === 0) await p.end(ids[2]);
      url = res.body.next;
    }
    assert.deepEqual(byNext, ids);
  });

  it('from / to select what happened then: a violation overlapping the window, still open or not', async () => {
    const p = await page();
    const early = await p.begin(); // starts at T0 + 1 s, ends at T0 + 1.7 s
    const open = await p.begin('tab_switch', 5005); // starts at T0 + 2 s, still going on
    await p.moment(); // T0 + 3 s
    await p.end(early);
    const path = `${exam}/sessions/${p.sessionSid}/events`;
    const ids = async (from: number, to: number) => {
      const q = `from=${new Date(from).toISOString()}&to=${new Date(to).toISOString()}`;
      const res = await call<Page>(s.origin, 'GET', `${path}?${q}`, { token });
      assert.equal(res.status, 200);
      return res.body.results.map((e) => e.evidenceId).sort();
    };
    assert.deepEqual(await ids(T0 + 1500, T0 + 1800), [early]);
    assert.deepEqual(await ids(T0 + 10_000, T0 + 20_000), [open]);
    assert.equal((await ids(T0 + 1800, T0 + 3500)).length, 2); // the open one and the moment
    await p.finish();
    assert.deepEqual(await ids(T0 + 10_000, T0 + 20_000), [], 'once closed, an open violation reaches no further');
  });
});
