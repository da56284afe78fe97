import { expect } from '@open-wc/testing';
import { DEFAULT_TUNING } from '../../src/index.js';
import { FaceTracker } from '../../src/monitoring/trackers/faces.js';
import type { EvidenceDraft, TrackerContext } from '../../src/monitoring/trackers/types.js';

/** A scripted clock and recorder: the tracker's smoothing is pure timing logic (no camera here). */
function harness() {
  const records: EvidenceDraft[] = [];
  const active = new Set<string>();
  const work: Promise<unknown>[] = [];
  const ctx: TrackerContext = {
    tuning: DEFAULT_TUNING,
    now: () => 0,
    record: (r) => records.push(r),
    photo: () => Promise.resolve(undefined),
    track: (p) => work.push(p),
    setActive: (t, on) => (on ? active.add(t) : active.delete(t)),
  };
  const tracker = new FaceTracker(ctx);
  const feed = async (faces: number, from: number, to: number, step = 250) => {
    for (let t = from; t <= to; t += step) tracker.observe(faces, t);
    await Promise.all(work);
  };
  return { tracker, records, active, feed };
}

describe('FaceTracker smoothing', () => {
  it('calls "no face" only after 3 s missing, from when it went missing, until 600 ms of face', async () => {
    const { records, active, feed } = harness();
    await feed(1, 0, 1000);
    await feed(0, 1250, 4000); // missing 2.75 s: nothing yet
    expect(active.has('no_face')).to.equal(false);
    await feed(0, 4250, 6000);
    expect(active.has('no_face')).to.equal(true);
    await feed(1, 6250, 6750); // back 500 ms: still open
    expect(records).to.have.length(0);
    await feed(1, 7000, 7500);
    expect(records).to.have.length(1);
    expect(records[0]).to.include({ code: 5001, type: 'no_face', startedAt: 1250, endedAt: 6250, durationMs: 5000 });
  });

  it('ignores a face lost for less than the smoothing time (looking down briefly)', async () => {
    const { records, active, feed } = harness();
    for (let i = 0; i < 5; i++) {
      await feed(1, i * 4000, i * 4000 + 1500);
      await feed(0, i * 4000 + 1750, i * 4000 + 3750);
    }
    expect(records).to.have.length(0);
    expect(active.size).to.equal(0);
  });

  it('calls "more than one person" after 1 s, and records it on stop()', async () => {
    const { tracker, records, feed } = harness();
    await feed(2, 0, 750);
    expect(records).to.have.length(0);
    await feed(2, 1000, 2000);
    tracker.stop();
    await new Promise((r) => setTimeout(r));
    expect(records).to.have.length(1);
    expect(records[0]).to.include({ code: 5002, type: 'multiple_people', startedAt: 0 });
  });
});
