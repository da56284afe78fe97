import { expect } from '@open-wc/testing';
import { DEFAULT_TUNING, createFaceDetector } from '../../src/index.js';
import { FaceTracker } from '../../src/monitoring/trackers/faces.js';
import type { EvidenceDraft, TrackerContext } from '../../src/monitoring/trackers/types.js';
import type { Face } from '../../src/detection/types.js';
import { describeExcept } from '../helpers/engine.js';
import { DIST_ASSETS } from '../helpers/media.js';

/** `n` faces side by side (what the detector returns), each scoring `score`. */
const faces = (n: number, score = 0.9): Face[] =>
  Array.from({ length: n }, (_, k) => ({
    score,
    box: { x: 40 + k * 200, y: 120, width: 140, height: 140 },
    keypoints: [],
  }));

/** A scripted clock and recorder: the tracker's smoothing is pure timing logic (no camera here). */
function harness(tuning: Partial<typeof DEFAULT_TUNING> = {}) {
  // the latest version of each record, by id (a violation's end rewrites its first record)
  const byId = new Map<string, EvidenceDraft>();
  const active = new Set<string>();
  const work: Promise<unknown>[] = [];
  const ctx: TrackerContext = {
    tuning: { ...DEFAULT_TUNING, ...tuning },
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
  const feed = async (n: number | Face[], from: number, to: number, step = 250) => {
    for (let t = from; t <= to; t += step) tracker.observe(typeof n === 'number' ? faces(n) : n, t);
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

describe('FaceTracker tracking', () => {
  it('keeps a followed face that scores between the two thresholds, and never starts one there', async () => {
    const h = harness();
    // 0.45: over keepConfidence (0.35), under minConfidence (0.5)
    await h.feed(1, 0, 1000);
    await h.feed(faces(1, 0.45), 1250, 9000);
    expect(h.records).to.deep.equal([]);
    const fresh = harness();
    await fresh.feed(faces(1, 0.45), 0, 9000);
    expect(fresh.records.map((r) => r.code)).to.deep.equal([5001]);
  });

  it('calls no "more than one person" for a second face that flickers from place to place', async () => {
    const h = harness();
    for (let t = 0; t <= 20_000; t += 250) {
      // every other frame, somewhere else each time (no overlap with the last one)
      const k = t / 250;
      const extra =
        k % 2 ? [{ score: 0.7, box: { x: (k * 211) % 520, y: 10, width: 60, height: 60 }, keypoints: [] }] : [];
      h.tracker.observe([...faces(1), ...extra], t);
    }
    await h.feed(1, 20_250, 21_000);
    expect(h.records).to.deep.equal([]);
  });

  it('calls "more than one person" for a second face that stays, from when it appeared', async () => {
    const h = harness();
    await h.feed(1, 0, 2000);
    await h.feed(2, 2250, 5000);
    expect(h.records.map((r) => [r.code, r.startedAt])).to.deep.equal([[5002, 2250]]);
  });

  it('does not call a face gone on one missed frame of a slow machine (frames seconds apart)', async () => {
    const h = harness();
    // a loaded laptop: a frame every 3.5 s; one of them misses the face
    await h.feed(1, 0, 7000, 3500);
    await h.feed(0, 10_500, 10_500);
    await h.feed(1, 14_000, 28_000, 3500);
    expect(h.records).to.deep.equal([]);
    // the face really gone: called, however few frames
    await h.feed(0, 31_500, 45_000, 3500);
    expect(h.records.map((r) => [r.code, r.startedAt])).to.deep.equal([[5001, 31_500]]);
  });

  it('does not judge a camera that is still settling (dark first frames), then calls a missing face', async () => {
    const h = harness({ settleMs: 3000 });
    await h.feed(0, 0, 2750); // settling: not judged
    await h.feed(1, 3000, 4000);
    expect(h.records).to.deep.equal([]);
    const empty = harness({ settleMs: 3000 });
    await empty.feed(0, 0, 8000);
    expect(empty.records.map((r) => [r.code, r.startedAt])).to.deep.equal([[5001, 3000]]);
  });

  it('records a frozen picture (5105) after frozenMs, and ends it when the picture moves again', async () => {
    const h = harness();
    const still = { luma: 120, change: 0.01, spread: 40 };
    for (let t = 0; t <= 4750; t += 250) h.tracker.observeStats(still, t);
    expect(h.records).to.deep.equal([]);
    for (let t = 5000; t <= 8000; t += 250) h.tracker.observeStats(still, t);
    h.tracker.observeStats({ luma: 120, change: 2.1, spread: 40 }, 8250);
    await new Promise((r) => setTimeout(r));
    expect(h.records).to.have.length(1);
    expect(h.records[0]).to.include({ code: 5105, type: 'camera_frozen', startedAt: 0, endedAt: 8250 });
    // a still scene with a little sensor noise is not frozen
    const still2 = harness();
    for (let t = 0; t <= 10_000; t += 250) still2.tracker.observeStats({ luma: 120, change: 0.12, spread: 40 }, t);
    expect(still2.records).to.deep.equal([]);
    // frames that stop coming count only after three times frozenMs (a machine too busy to present them)
    const stalled = harness();
    for (let t = 0; t <= 14_000; t += 250) stalled.tracker.observeStats({ luma: 120, change: 0, spread: 40 }, t, false);
    expect(stalled.records).to.deep.equal([]);
    for (let t = 14_250; t <= 15_500; t += 250)
      stalled.tracker.observeStats({ luma: 120, change: 0, spread: 40 }, t, false);
    stalled.tracker.stop();
    await new Promise((r) => setTimeout(r));
    expect(stalled.records.map((r) => [r.code, r.startedAt, r.data])).to.deep.equal([[5105, 0, { noFrames: true }]]);
    // a flat picture (covered lens) is no face, not a frozen camera
    const flat = harness();
    for (let t = 0; t <= 10_000; t += 250) flat.tracker.observeStats({ luma: 3, change: 0, spread: 0.2 }, t);
    expect(flat.records).to.deep.equal([]);
  });
});

describeExcept(
  {
    webkit:
      'face detection cannot run in WebKitGTK here: no usable WebGL on the page or in its workers under Xvfb (4001; README, Browser support)',
  },
  'FaceTracker on a camera',
  function () {
    this.timeout(60_000);
    for (const worker of [true, false])
      it(`never finds faces in a frame of one flat colour, BlazeFace in ${worker ? 'its worker' : 'the page'} (a flat frame is not given to the model)`, async () => {
        const canvas = document.createElement('canvas');
        canvas.width = 320;
        canvas.height = 240;
        const g = canvas.getContext('2d')!;
        g.fillStyle = '#00ff00';
        g.fillRect(0, 0, 320, 240);
        const stream = canvas.captureStream(10);
        const video = document.createElement('video');
        video.muted = true;
        video.srcObject = stream;
        await video.play();
        const detector = await createFaceDetector({ assetBase: DIST_ASSETS, worker });
        const active = new Set<string>();
        const ctx: TrackerContext = {
          tuning: { ...DEFAULT_TUNING, detectionFps: 20, multipleFacesMs: 100, noFaceMs: 100, settleMs: 100 },
          now: () => Date.now(),
          record: () => 'r',
          photo: () => Promise.resolve(undefined),
          track: () => undefined,
          setActive: (t, on) => (on ? active.add(t) : active.delete(t)),
          video,
          detector,
        };
        const tracker = new FaceTracker(ctx);
        try {
          tracker.start();
          const end = performance.now() + 30_000;
          while (!active.has('no_face') && performance.now() < end) await new Promise((r) => setTimeout(r, 50));
          // the flat picture is "no face", never "more than one person" nor "frozen"
          expect([...active]).to.deep.equal(['no_face']);
        } finally {
          tracker.stop();
          detector.close();
          stream.getTracks().forEach((t) => t.stop());
        }
      });
  },
);
