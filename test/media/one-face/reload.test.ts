import { expect } from '@open-wc/testing';
import type { MonitorSession } from '../../../src/index.js';

const started = () =>
  new Promise<{ resumed: boolean }>((resolve) => {
    const on = (e: MessageEvent<{ type: string; resumed: boolean }>) => {
      if (e.data?.type !== 'started') return;
      removeEventListener('message', on);
      resolve(e.data);
    };
    addEventListener('message', on);
  });

describe('a reload during the exam', function () {
  this.timeout(90000);
  it('resumes the same attempt, loses no evidence, and takes only the photos still owed', async () => {
    // 4 random photos over a 12 s exam; the page is reloaded once at least 2 are taken
    const id = `reload-${Date.now()}`;
    const frame = document.createElement('iframe');
    frame.allow = 'camera; microphone';
    let ready = started();
    frame.src = `/test/fixtures/pages/monitored-exam.html?id=${id}&outbox=outbox-${id}`;
    document.body.append(frame);
    expect((await ready).resumed).to.equal(false);
    const session = () => (frame.contentWindow as Window & { session: MonitorSession }).session;
    let before: Awaited<ReturnType<MonitorSession['report']>>['evidence'] = [];
    const t0 = performance.now();
    while (before.length < 2 && performance.now() - t0 < 30000) {
      before = (await session().report()).evidence;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(before.length).to.be.within(2, 3);

    ready = started();
    frame.contentWindow!.location.reload();
    expect((await ready).resumed).to.equal(true);
    let after = before;
    const t1 = performance.now();
    while (after.length < 4 && performance.now() - t1 < 30000) {
      after = (await session().report()).evidence;
      await new Promise((r) => setTimeout(r, 100));
    }
    // the photos taken before the reload are kept, the rest follow, and never more than asked for
    await new Promise((r) => setTimeout(r, 1000));
    after = (await session().report()).evidence;
    expect(after.map((e) => e.seq)).to.deep.equal([1, 2, 3, 4]);
    expect(after.slice(0, before.length).map((e) => e.id)).to.deep.equal(before.map((e) => e.id));
    expect(new Set(after.map((e) => e.id)).size).to.equal(4);
    const report = await session().report();
    expect(report.attempt.startedAt).to.be.a('number');
    await session().destroy();
    frame.remove();
  });
});
