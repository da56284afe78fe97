import { expect } from '@open-wc/testing';
import { LocalBackend, MonitorSession, Outbox, type EvidenceRecord } from '../../src/index.js';

const trackingOff = {
  numHumans: false,
  audio: false,
  tabSwitch: false,
  detectMultipleScreens: false,
  photosAtRandom: false,
  showCamPreview: false,
};

describe('a violation open when the page went away', () => {
  it('is kept, and closed on resume with the time away counted (same id, closedOnResume)', async () => {
    const id = `resume-${Date.now()}`;
    const outboxName = `outbox-${id}`;
    // what a page left behind when it was closed in the middle of a full-screen exit
    const before = await Outbox.open(outboxName);
    const startedAt = Date.now() - 5000;
    const open: EvidenceRecord = {
      id: crypto.randomUUID(),
      attemptId: id,
      seq: 1,
      code: 5009,
      type: 'fullscreen_exit',
      startedAt,
    };
    await before.add({ attemptId: id, clientId: 'c', startedAt, seq: 1 }, [{ ...open, ongoing: true }]);
    await before.flushed();
    before.close();

    const backend = new LocalBackend(`local-${id}`);
    const session = new MonitorSession({ clientId: 'c', testAttemptId: id, hashedTestAttemptId: 'h' });
    const seen: EvidenceRecord[] = [];
    session.addEventListener('evidence', (e) => seen.push((e as CustomEvent<EvidenceRecord>).detail));
    await session.setup({ trackingOptions: trackingOff, backend, outboxName });
    await session.start();
    expect(session.resumed).to.equal(true);
    const closed = seen.find((r) => r.id === open.id)!;
    expect(closed).to.include({ seq: 1, code: 5009, type: 'fullscreen_exit', startedAt });
    expect(closed.durationMs).to.be.at.least(5000);
    expect(closed.data).to.deep.include({ closedOnResume: true });
    const result = await session.stop();
    expect(result.delivery.done).to.equal(true);
    // delivered once, in its completed form
    const stored = await backend.records(id);
    expect(stored.map((r) => r.id)).to.deep.equal([open.id]);
    expect(stored[0].endedAt).to.be.a('number');
    expect(result.counts).to.deep.equal({ fullscreen_exit: 1 });
    await session.destroy();
  });

  it('a second start() of a finished attempt refuses, and still delivers what the first left pending', async () => {
    const id = `leftover-${Date.now()}`;
    const outboxName = `outbox-${id}`;
    const before = await Outbox.open(outboxName);
    const record: EvidenceRecord = {
      id: crypto.randomUUID(),
      attemptId: id,
      seq: 1,
      code: 5005,
      type: 'tab_switch',
      startedAt: 1,
      endedAt: 2,
      durationMs: 1,
    };
    await before.add({ attemptId: id, clientId: 'c', startedAt: 1, seq: 1 }, [record]);
    await before.updateAttempt(id, { finished: { finishedAt: 3, trustScore: 96, counts: { tab_switch: 1 } } });
    await before.flushed();
    before.close();

    const backend = new LocalBackend(`local-${id}`);
    const session = new MonitorSession({ clientId: 'c', testAttemptId: id, hashedTestAttemptId: 'h' });
    await session.setup({ trackingOptions: trackingOff, backend, outboxName });
    const failure = await session.start().then(
      () => undefined,
      (e: { code: number }) => e,
    );
    expect(failure?.code).to.equal(4110);
    const until = performance.now() + 10000;
    while (!session.deliveryProgress?.done && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(session.deliveryProgress?.done).to.equal(true);
    expect((await backend.records(id)).map((r) => r.id)).to.deep.equal([record.id]);
    await session.destroy();
  });

  it('one live monitor per attempt: a second tab is refused (4110) until the first lets go', async () => {
    const id = `two-tabs-${Date.now()}`;
    const make = () => new MonitorSession({ clientId: 'c', testAttemptId: id, hashedTestAttemptId: 'h' });
    const first = make();
    await first.setup({
      trackingOptions: trackingOff,
      backend: new LocalBackend(`local-${id}`),
      outboxName: `outbox-${id}`,
    });
    await first.start();
    const second = make();
    await second.setup({
      trackingOptions: trackingOff,
      backend: new LocalBackend(`local-${id}`),
      outboxName: `outbox-${id}`,
    });
    const refused = await second.start().then(
      () => undefined,
      (e: { code: number; message: string }) => e,
    );
    expect(refused?.code).to.equal(4110);
    expect(refused?.message).to.contain('already being proctored in another tab');
    expect(second.state).to.equal('ready');
    await first.destroy();
    await second.start();
    expect(second.state).to.equal('monitoring');
    expect(second.resumed).to.equal(true);
    await second.destroy();
  });
});
