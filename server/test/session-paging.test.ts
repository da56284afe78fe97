// Issue 19 (new user's retest): paging an exam's sessions with a status filter by offset repeated a
// session, or skipped one for good, when a session's status changed between pages (the filtered set
// shifts under the offset). `next` carries a keyset cursor (`after`, by createdDate then sid) that
// a status change cannot move: a sync loop that follows `next` reads every session that matched
// throughout exactly once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backend, call, newAttempt, startServer, type Harness } from './harness.js';

let s: Harness;
before(async () => {
  s = await startServer({ ratePerSecond: 1000 });
});
after(() => s.close());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
interface Page {
  total: number;
  offset: number;
  next: string | null;
  results: { sid: string }[];
}

describe(`paging sessions while their statuses change (${backend})`, () => {
  const exam = () => `/v1/installs/${s.demo.installSid}/exams/${s.demo.examSid}`;
  const review = (sid: string, status: string) =>
    call(s.origin, 'PUT', `${exam()}/sessions/${sid}/review`, { token: s.demo.token, body: { status } });

  async function createSessions(n: number) {
    const sids: string[] = [];
    for (let i = 0; i < n; i++) {
      const a = newAttempt(s.demo.clientId, s.demo.clientSecret);
      const res = await call<{ sessionSid: string }>(s.origin, 'POST', '/api/v1/attempts', { body: a });
      assert.equal(res.status, 201);
      sids.push(res.body.sessionSid);
      await sleep(15); // distinct creation times: the order below is the creation order
    }
    return sids;
  }

  for (const sortOrder of ['ASC', 'DESC'])
    it(`reads each session once when one leaves the filter and another enters it mid-paging (${sortOrder})`, async () => {
      const created = await createSessions(9);
      const sids = sortOrder === 'ASC' ? created : [...created].reverse();
      // the filter: reviewStatus=uncertain (every new session's); sids[1] starts outside it
      await review(sids[1], 'is_reviewed_green');
      const filter = `reviewStatus=uncertain&limit=3&sortOrder=${sortOrder}`;
      // only this test's sessions: earlier ones are reviewed away from the filter
      const mine = new Set(created);
      const read: string[] = [];
      let url: string | null = `${exam()}/sessions?${filter}`;
      for (let n = 0; url; n++) {
        const res: { status: number; body: Page } = await call<Page>(s.origin, 'GET', url, { token: s.demo.token });
        assert.equal(res.status, 200, JSON.stringify(res.body).slice(0, 300));
        read.push(...res.body.results.map((r) => r.sid).filter((sid) => mine.has(sid)));
        if (n === 0) {
          assert.deepEqual(read, [sids[0], sids[2], sids[3]]);
          // a read session leaves the filter: by offset, the next page would skip sids[4]
          await review(sids[0], 'is_reviewed_red');
        }
        // a session behind the cursor enters it: by offset, the next page would repeat one
        if (n === 1) await review(sids[1], 'uncertain');
        url = res.body.next;
        assert.ok(n < 20, 'next never ends');
      }
      assert.equal(new Set(read).size, read.length, `a session was read twice: ${read.join(' ')}`);
      // every session that matched throughout, and the one that matched when its page was read
      for (const sid of [sids[0], ...sids.slice(2)]) assert.ok(read.includes(sid), `never read: ${sid}`);
      // this test's sessions leave the filter for the next run
      for (const sid of created) await review(sid, 'is_reviewed_green');
    });

  it('refuses a cursor it did not give, naming `after`', async () => {
    for (const bad of ['x', 'WzEsMl0', 'bm90LWpzb24', '%00'])
      for (const extra of ['', '&sortKeys=createdDate']) {
        const res = await call<{ code: string; message: string }>(
          s.origin,
          'GET',
          `${exam()}/sessions?after=${bad}${extra}`,
          { token: s.demo.token },
        );
        assert.equal(res.status, 400, `${bad}: ${JSON.stringify(res.body).slice(0, 300)}`);
        assert.match(res.body.message, /after/);
      }
    // a cursor is for the createdDate order it was given in
    const first = await call<Page>(s.origin, 'GET', `${exam()}/sessions?limit=1`, { token: s.demo.token });
    const next = new URL(first.body.next!, s.origin);
    const withStatus = await call<{ message: string }>(
      s.origin,
      'GET',
      `${exam()}/sessions?after=${next.searchParams.get('after')}&sortKeys=status`,
      { token: s.demo.token },
    );
    assert.equal(withStatus.status, 400);
    assert.match(withStatus.body.message, /after/);
    // found by a new user: an ascending page's cursor reused with sortOrder=DESC gave a silently
    // wrong page; it is refused, naming `after` and the order
    for (const sortOrder of ['DESC', 'desc']) {
      const reversed = await call<{ code: string; message: string }>(
        s.origin,
        'GET',
        `${exam()}/sessions?after=${next.searchParams.get('after')}&sortOrder=${sortOrder}`,
        { token: s.demo.token },
      );
      assert.equal(reversed.status, 400, JSON.stringify(reversed.body));
      assert.equal(reversed.body.code, 'invalid_request');
      assert.match(reversed.body.message, /querystring\/after: this cursor pages the asc order, not sortOrder DESC/);
    }
    // its own direction still pages
    const same = await call<Page>(s.origin, 'GET', `${next.pathname}${next.search}`, { token: s.demo.token });
    assert.equal(same.status, 200);
  });
});
