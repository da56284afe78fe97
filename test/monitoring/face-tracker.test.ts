import { expect } from '@open-wc/testing';
import { DEFAULT_TUNING } from '../../src/index.js';
import { FaceTracker } from '../../src/monitoring/trackers/faces.js';
import type { EvidenceDraft, TrackerContext } from '../../src/monitoring/trackers/types.js';

/** A scripted clock and recorder: the tracker's smoothing is pure timing logic (no camera here). */
function harness() {
  // the latest version of each record, by id (a violation's end rewrites its first record)
  const byId = new Map<string, EvidenceDraft>();
  const active = new Set<string>();
  const work: Promise<unknown>[] = [];
  const ctx: TrackerContext = {
    tuning: DEFAULT_TUNING,
    now: () => 0,
    record: (r, options) => {
      const id = options?.id ?? `r${byId.size + 1}`;
      byId.set(id, r);
      return id;
    },
    photo: () => Promise.resolve(undefined),
    track: (p) => work.push(p),
    setActive: (t, on) => (on ? active.add(t) : active.delete(t)),
  };
  const tracker = new FaceTracker(ctx);
  const feed = async (faces: number, from: number, to: number, step = 250) => {
    for (let t = from; t <= to; t += step) tracker.observe(faces, t);
    await Promise.all(work);
  };
  return {
    tracker,
    active,
    feed,
    get records() {
      return [...byId.values()];
    },
  };
}

describe('FaceTracker smoothing', () => {
  it('calls "no face" only after 3 s missing, from when it went missing, until 600 ms of face', async () => {
    const h = harness();
    const { active, feed } = h;
    await feed(1, 0, 1000);
    await feed(0, 1250, 4000); // missing 2.75 s: nothing yet
    expect(active.has('no_face')).to.equal(false);
    expect(h.records).to.have.length(0);
    await feed(0, 4250, 6000);
    expect(active.has('no_face')).to.equal(true);
    // announced when confirmed, without an end yet
    expect(h.records).to.have.length(1);
    expect(h.records[0]).to.include({ code: 5001, type: 'no_face', startedAt: 1250 });
    expect(h.records[0].endedAt).to.equal(undefined);
    await feed(1, 6250, 6750); // back 500 ms: still open
    expect(h.records[0].endedAt).to.equal(undefined);
    await feed(1, 7000, 7500);
    expect(h.records).to.have.length(1);
    expect(h.records[0]).to.include({ code: 5001, type: 'no_face', startedAt: 1250, endedAt: 6250, durationMs: 5000 });
  });

  it('ignores a face lost for less than the smoothing time (looking down briefly)', async () => {
    const h = harness();
    const { active, feed } = h;
    for (let i = 0; i < 5; i++) {
      await feed(1, i * 4000, i * 4000 + 1500);
      await feed(0, i * 4000 + 1750, i * 4000 + 3750);
    }
    expect(h.records).to.have.length(0);
    expect(active.size).to.equal(0);
  });

  it('calls "more than one person" after 1 s, and records it on stop()', async () => {
    const h = harness();
    const { tracker, feed } = h;
    await feed(2, 0, 750);
    expect(h.records).to.have.length(0);
    await feed(2, 1000, 2000);
    expect(h.records).to.have.length(1);
    expect(h.records[0].endedAt).to.equal(undefined);
    tracker.stop();
    await new Promise((r) => setTimeout(r));
    expect(h.records).to.have.length(1);
    expect(h.records[0]).to.include({ code: 5002, type: 'multiple_people', startedAt: 0 });
    expect(h.records[0].endedAt).to.be.a('number'); // ended by stop()
  });
});
