import { expect } from '@open-wc/testing';
import { LocalBackend, MonitorSession, Outbox, type EvidenceRecord } from '../../../src/index.js';

describe('random photos across a reload', function () {
  this.timeout(30000);

  it('a resumed attempt takes only the photos still owed: a reload never adds random photos', async () => {
    const id = `resume-photos-${Date.now()}`;
    const outboxName = `outbox-${id}`;
    // the page before the reload took both of its two photos, then was reloaded mid-exam
    const before = await Outbox.open(outboxName);
    const startedAt = Date.now() - 1000;
    const photo = (seq: number): EvidenceRecord => ({
      id: crypto.randomUUID(),
      attemptId: id,
      seq,
      code: 5003,
      type: 'random_photo',
      startedAt: startedAt + seq * 100,
    });
    await before.add({ attemptId: id, clientId: 'c', startedAt, seq: 2 }, [photo(1), photo(2)]);
    await before.flushed();
    before.close();

    const session = new MonitorSession({ clientId: 'c', testAttemptId: id, hashedTestAttemptId: 'h' });
    await session.setup({
      trackingOptions: {
        numHumans: false,
        audio: false,
        tabSwitch: false,
        detectMultipleScreens: false,
        photosAtRandom: true,
        numPhotosAtRandom: 2,
      },
      tuning: { examDurationMs: 3000 },
      backend: new LocalBackend(`local-${id}`),
      outboxName,
    });
    await session.start();
    expect(session.resumed).to.equal(true);
    // the rest of the exam passes (and more)
    await new Promise((r) => setTimeout(r, 3500));
    const result = await session.stop();
    expect(result.counts.random_photo).to.equal(2);
    await session.destroy();
  });
});
