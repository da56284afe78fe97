import { expect } from '@open-wc/testing';
import { DEFAULT_TUNING } from '../../src/index.js';
import { RandomPhotoTracker, type PhotoProgress } from '../../src/monitoring/trackers/random-photos.js';
import type { EvidenceDraft, TrackerContext } from '../../src/monitoring/trackers/types.js';
import { until } from '../helpers/monitor.js';

/** Runs a tracker over a 600 ms "exam" and resolves with the photos it recorded. */
async function photos(count: number, progress?: PhotoProgress): Promise<EvidenceDraft[]> {
  const records: EvidenceDraft[] = [];
  const work: Promise<unknown>[] = [];
  const ctx: TrackerContext = {
    tuning: { ...DEFAULT_TUNING, examDurationMs: 600 },
    now: () => Date.now(),
    record: (r) => String(records.push(r)),
    track: (p) => void work.push(p),
    photo: () => Promise.resolve('data:image/jpeg;base64,AAAA'),
    setActive: () => undefined,
  };
  const tracker = new RandomPhotoTracker(ctx, count, Math.random, undefined, progress);
  tracker.start();
  const until600 = performance.now() + 600;
  await until(() => performance.now() > until600 + 300, 5000, 'the exam to pass');
  await Promise.all(work);
  tracker.stop();
  return records;
}

describe('RandomPhotoTracker: photos at random over the exam', () => {
  it('takes numPhotosAtRandom photos (5003) over the exam', async () => {
    const taken = await photos(4);
    expect(taken.map((r) => r.code)).to.deep.equal([5003, 5003, 5003, 5003]);
  });

  it('after a reload, takes only the photos still owed, over the time left (never more than asked for)', async () => {
    expect(await photos(4, { elapsedMs: 300, taken: 3 })).to.have.length(1);
    expect(await photos(4, { elapsedMs: 100, taken: 4 })).to.have.length(0);
    // the exam's time is over: nothing more, whatever is owed
    expect(await photos(4, { elapsedMs: 900, taken: 1 })).to.have.length(0);
  });
});
