import { expect } from '@open-wc/testing';
import { DEFAULT_TUNING, createFaceDetector } from '../../src/index.js';
import { FaceTracker } from '../../src/monitoring/trackers/faces.js';
import type { EvidenceDraft, TrackerContext } from '../../src/monitoring/trackers/types.js';
import type { Face } from '../../src/detection/types.js';
import { FacePresence, FaceTracks } from '../../src/detection/tracking.js';
import { faceLostMs } from '../../src/monitoring/options.js';
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

  it('calls no "more than one person" for one candidate moving fast side to side (one face in every frame)', async () => {
    // ±170 px at 1 Hz, seen at 4 fps: the face jumps more than its width between frames, so
    // detections stop overlapping and new tracks start while the old ones linger (the new-user
    // retest's false 5002 with Trust Score 69–84)
    for (const step of [250, 249.8, 333]) {
      const h = harness();
      for (let t = 0; t <= 20_000; t += step) {
        const x = 270 + 170 * Math.sin((2 * Math.PI * t) / 1000 + 0.3);
        h.tracker.observe([{ score: 0.9, box: { x, y: 150, width: 100, height: 100 }, keypoints: [] }], t);
      }
      await h.feed(1, 20_250, 22_000);
      expect(h.records, `frames ${step} ms apart`).to.deep.equal([]);
    }
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
    // a picture that changes shows new frames, whatever the frame count says (a count that lags,
    // or does not run: WebKit's requestVideoFrameCallback for a video not shown)
    const uncounted = harness();
    for (let t = 0; t <= 20_000; t += 250)
      uncounted.tracker.observeStats({ luma: 120, change: 2.1, spread: 40 }, t, false);
    uncounted.tracker.stop();
    await new Promise((r) => setTimeout(r));
    expect(uncounted.records).to.deep.equal([]);
    // a flat picture (covered lens) is no face, not a frozen camera
    const flat = harness();
    for (let t = 0; t <= 10_000; t += 250) flat.tracker.observeStats({ luma: 3, change: 0, spread: 0.2 }, t);
    expect(flat.records).to.deep.equal([]);
  });
});

/**
 * A scripted camera for region passes: `people` are the faces in the picture at a time (boxes in a
 * 640×480 frame); a whole-frame search finds them all, a region pass (as FaceTracks.nextRegion asks)
 * those whose centre lies in the region, or the `regionSees` face when given (a pattern the region
 * model takes for the face). Returns what it searched, frame by frame.
 */
function scripted(
  presence: FacePresence,
  people: (t: number) => Face[],
  { from = 0, to, step = 250, regionSees }: { from?: number; to: number; step?: number; regionSees?: Face[] },
) {
  const passes: ('whole' | 'region')[] = [];
  const events: { type: string; phase: string; at: number }[] = [];
  for (let t = from; t <= to; t += step) {
    const region = presence.nextRegion(640, 480, t);
    const inside = (f: Face) => {
      const cx = f.box.x + f.box.width / 2;
      const cy = f.box.y + f.box.height / 2;
      return (
        !!region && cx >= region.x && cx <= region.x + region.width && cy >= region.y && cy <= region.y + region.height
      );
    };
    const found = region ? (regionSees ?? people(t).filter(inside)) : people(t);
    passes.push(region ? 'region' : 'whole');
    events.push(...presence.observe(found, t, region).map(({ type, phase, at }) => ({ type, phase, at })));
  }
  return { passes, events };
}

const presenceWithRegions = (fullFrameMs = 1000) =>
  new FacePresence({
    birthScore: DEFAULT_TUNING.minConfidence,
    keepScore: DEFAULT_TUNING.keepConfidence,
    lostMs: faceLostMs(DEFAULT_TUNING),
    noFaceMs: DEFAULT_TUNING.noFaceMs,
    multipleFacesMs: DEFAULT_TUNING.multipleFacesMs,
    recoverMs: DEFAULT_TUNING.recoverMs,
    regions: { fullFrameMs },
  });

const candidate: Face = { score: 0.9, box: { x: 270, y: 150, width: 100, height: 100 }, keypoints: [] };
const visitor: Face = { score: 0.8, box: { x: 500, y: 60, width: 70, height: 70 }, keypoints: [] };

describe('Region passes (one face followed: whole frame every fullFrameMs, around the face between)', () => {
  it('looks around the one face between whole-frame searches: a square 3 face widths wide, inside the frame', () => {
    const tracks = new FaceTracks({ birthScore: 0.5, keepScore: 0.35, lostMs: 1000, regions: { fullFrameMs: 1000 } });
    expect(tracks.nextRegion(640, 480, 0), 'nothing followed yet').to.equal(undefined);
    tracks.update([candidate], 0);
    expect(tracks.nextRegion(640, 480, 250)).to.deep.equal({ x: 170, y: 50, width: 300, height: 300 });
    // a face near the corner: the square is moved inside the frame, never cut
    const corner = new FaceTracks({ birthScore: 0.5, keepScore: 0.35, lostMs: 1000, regions: { fullFrameMs: 1000 } });
    corner.update([{ ...candidate, box: { x: 560, y: 400, width: 80, height: 80 } }], 0);
    expect(corner.nextRegion(640, 480, 250)).to.deep.equal({ x: 400, y: 240, width: 240, height: 240 });
    // fullFrameMs 0 (or no regions option): every frame whole
    const off = new FaceTracks({ birthScore: 0.5, keepScore: 0.35, lostMs: 1000, regions: { fullFrameMs: 0 } });
    off.update([candidate], 0);
    expect(off.nextRegion(640, 480, 250)).to.equal(undefined);
  });

  it('searches the whole frame at least every fullFrameMs while the candidate sits still, and raises nothing', () => {
    const { passes, events } = scripted(presenceWithRegions(), () => [candidate], { to: 10_000 });
    expect(events).to.deep.equal([]);
    // whole at 0, 1000, 2000 … and around the face between
    expect(passes.slice(0, 9).join(' ')).to.equal('whole region region region whole region region region whole');
    expect(passes.filter((p) => p === 'whole').length).to.equal(11);
  });

  it('searches whole about every fullFrameMs at the frame rate as it is (frames 249.8 ms apart: every fourth frame)', () => {
    // four gaps of 249.8 ms fall just short of 1 000 ms; the new-user retest saw every fifth frame
    const { passes } = scripted(presenceWithRegions(), () => [candidate], { to: 10_000, step: 249.8 });
    expect(passes.slice(0, 9).join(' ')).to.equal('whole region region region whole region region region whole');
  });

  it('searches the whole frame at once when a region pass sees another sure face', () => {
    // a visitor leans in over the shoulder, inside the region, at 2.1 s
    const shoulder: Face = { score: 0.8, box: { x: 380, y: 120, width: 70, height: 70 }, keypoints: [] };
    const { passes, events } = scripted(
      presenceWithRegions(),
      (t) => (t >= 2100 ? [candidate, shoulder] : [candidate]),
      {
        to: 6000,
      },
    );
    // 2250: the region pass sees them (not counted); 2500: whole, the visitor's track is born
    expect(passes.slice(9, 11)).to.deep.equal(['region', 'whole']);
    expect(events).to.deep.equal([{ type: 'multiple_people', phase: 'begin', at: 2500 }]);
  });

  it('finds a second person at the next whole-frame search and calls "more than one person" from there', () => {
    const { events } = scripted(presenceWithRegions(), (t) => (t >= 2100 ? [candidate, visitor] : [candidate]), {
      to: 8000,
    });
    // the visitor arrives at 2.1 s; the whole-frame search at 3 s sees them; 1 s later it is called
    expect(events).to.deep.equal([{ type: 'multiple_people', phase: 'begin', at: 3000 }]);
  });

  it('never counts a second face inside the region: a region pass follows only the face it was asked about', () => {
    const beside: Face = { score: 0.9, box: { x: 360, y: 160, width: 60, height: 60 }, keypoints: [] };
    const presence = presenceWithRegions();
    scripted(presence, () => [candidate], { to: 1000 });
    // the region model sees a second "face" right beside the candidate on every region pass
    const { events } = scripted(presence, () => [candidate], { from: 1250, to: 8000, regionSees: [candidate, beside] });
    expect(events).to.deep.equal([]);
  });

  it('calls "no face" when the candidate leaves, from when they left, as whole-frame searches alone would', () => {
    const left = (t: number) => (t < 4100 ? [candidate] : []);
    const withRegions = scripted(presenceWithRegions(), left, { to: 12_000 }).events;
    const wholeOnly = scripted(presenceWithRegions(0), left, { to: 12_000 }).events;
    expect(withRegions).to.deep.equal([{ type: 'no_face', phase: 'begin', at: 4250 }]);
    expect(withRegions).to.deep.equal(wholeOnly);
  });

  it('ends "no face" when the candidate comes back moving fast, as whole-frame searches alone would (no false 5002)', () => {
    // away 4.1–10.1 s, then swaying ±170 px at 1 Hz: more than a face width between frames (the
    // new-user retest's video A: "no face" stayed on for 25 s after the return)
    const moving = (t: number): Face[] =>
      t >= 4100 && t < 10_100
        ? []
        : [{ ...candidate, box: { ...candidate.box, x: 270 + 170 * Math.sin((2 * Math.PI * t) / 1000 + 0.3) } }];
    for (const fullFrameMs of [1000, 0]) {
      const { events } = scripted(presenceWithRegions(fullFrameMs), moving, { to: 30_000 });
      expect(
        events.map((e) => [e.type, e.phase]),
        `fullFrameMs ${fullFrameMs}`,
      ).to.deep.equal([
        ['no_face', 'begin'],
        ['no_face', 'end'],
      ]);
      expect(events[0].at).to.equal(4250);
      expect(events[1].at, `fullFrameMs ${fullFrameMs}: ended at`).to.be.within(10_100, 11_100);
    }
  });

  it('still calls "no face" when the region model keeps seeing a face that whole-frame searches no longer find', () => {
    // the candidate left at 2.1 s; a pattern on the wall where they sat keeps the region model
    // scoring 0.4 there: the whole-frame search at 3 s misses it, and no region pass follows
    const { events, passes } = scripted(presenceWithRegions(), (t) => (t < 2100 ? [candidate] : []), {
      to: 12_000,
      regionSees: [{ ...candidate, score: 0.4 }],
    });
    expect(events.map((e) => [e.type, e.phase])).to.deep.equal([['no_face', 'begin']]);
    expect(events[0].at).to.be.at.most(3000);
    expect(passes.slice(13).every((p) => p === 'whole')).to.equal(true);
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
