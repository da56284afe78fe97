/**
 * Faces followed across frames. A detection is matched to a track by box overlap (IoU); a track is
 * born only by a detection scoring at least `birthScore`, and kept alive by detections scoring at
 * least the lower `keepScore` (hysteresis: a face that turns or dims for a moment is not lost, and
 * a flicker on a poster or a pet never becomes a face). A track unseen for `lostMs` (and two
 * frames) is gone.
 *
 * Plain logic over detections and timestamps (ms, any clock); no camera, no detector: the
 * monitoring tracker and the evaluation (`npm run eval`) drive it.
 */
import type { Face } from './types.js';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface FaceTrack {
  readonly id: number;
  box: Box;
  score: number;
  /** When it was born (ms). */
  readonly bornAt: number;
  /** When a detection last kept it (ms). */
  seenAt: number;
  /** Detections that kept it. */
  hits: number;
  /** Detections that kept it scoring at least `birthScore` (sure ones). */
  sureHits: number;
  /** Frames in a row without it. */
  misses: number;
}

export interface TrackingOptions {
  /** A detection scoring at least this starts a track (0–1). */
  birthScore: number;
  /** A detection scoring at least this keeps a matched track alive (0–1, ≤ birthScore). */
  keepScore: number;
  /**
   * A track unseen this long (ms), and in at least two frames in a row, is dropped (both: a slow
   * machine's frames seconds apart do not end a track on one missed frame).
   */
  lostMs: number;
  /** Least IoU for a detection to continue a track. Default 0.2. */
  minIou?: number;
  /**
   * Region passes (see {@link FaceTracks.nextRegion}): while exactly one face is followed, the whole
   * frame is searched at least every `fullFrameMs` (ms), and the frames between only a square
   * `around` face widths wide centred on that face. Absent or `fullFrameMs` 0: every frame whole.
   */
  regions?: { fullFrameMs: number; around?: number };
}

/** Intersection over union of two boxes, 0–1. */
export function iou(a: Box, b: Box): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / (a.width * a.height + b.width * b.height - inter);
}

/**
 * Merges detections of the same face (a crop pass and the full frame both find it): keeps the best
 * scoring box of each group overlapping more than `threshold` IoU.
 */
export function mergeFaces(faces: readonly Face[], threshold = 0.3): Face[] {
  const sorted = [...faces].sort((a, b) => b.score - a.score);
  const kept: Face[] = [];
  const centre = (b: Box) => ({ x: b.x + b.width / 2, y: b.y + b.height / 2 });
  const inside = (p: { x: number; y: number }, b: Box) =>
    p.x > b.x && p.x < b.x + b.width && p.y > b.y && p.y < b.y + b.height;
  // a second box over the same face (overlapping, or centred inside it) is the same face: two
  // people's faces never sit one inside the other
  for (const f of sorted)
    if (
      !kept.some((k) => iou(k.box, f.box) > threshold || inside(centre(f.box), k.box) || inside(centre(k.box), f.box))
    )
      kept.push(f);
  return kept;
}

export class FaceTracks {
  private tracks: FaceTrack[] = [];
  private nextId = 1;
  /** When the whole frame was last searched (ms). */
  private fullAt = -Infinity;
  /** The one track the last whole-frame search saw (region passes follow only it). */
  private confirmed?: number;
  /**
   * The next frame is searched whole: the last region pass missed its face, or saw another face
   * scoring `birthScore` (someone else may have come into view).
   */
  private regionMissed = false;
  /** When the last frame was taken (ms), and the gap before it: the frame rate as it is. */
  private lastAt?: number;
  private gap = 0;

  constructor(readonly options: TrackingOptions) {}

  /**
   * Where to look in the next frame, taken at `at` (ms), of `width`×`height` pixels: a region (a
   * square around the one followed face, in frame pixels, clipped to the frame) or undefined for
   * the whole frame. The whole frame is searched whenever anything is uncertain: no face or more
   * than one followed, a face the last whole-frame search did not see, a region pass that missed
   * it or saw another sure face, a face missed in the last frame, or when `fullFrameMs` have passed
   * since the last whole-frame search, counting to the frame nearest to it (frames 249.8 ms apart
   * at 4 fps search whole every fourth frame, not every fifth): a second person, or a face
   * elsewhere, is found within about that time.
   */
  nextRegion(width: number, height: number, at: number): Box | undefined {
    const regions = this.options.regions;
    if (!regions?.fullFrameMs || this.regionMissed || at - this.fullAt + this.gap / 2 >= regions.fullFrameMs)
      return undefined;
    if (this.tracks.length !== 1) return undefined;
    const [t] = this.tracks;
    if (t.id !== this.confirmed || t.misses > 0) return undefined;
    const side = Math.round(Math.min(width, height, Math.max(t.box.width, t.box.height) * (regions.around ?? 3)));
    if (!(side > 0)) return undefined;
    const clamp = (v: number, max: number) => Math.round(Math.min(Math.max(v, 0), max));
    return {
      x: clamp(t.box.x + t.box.width / 2 - side / 2, width - side),
      y: clamp(t.box.y + t.box.height / 2 - side / 2, height - side),
      width: side,
      height: side,
    };
  }

  /** Live tracks (seen within `lostMs` of the last update). */
  get live(): readonly FaceTrack[] {
    return this.tracks;
  }

  /**
   * Feeds one frame's detections taken at `at` (ms); returns the tracks a detection kept or started.
   * `region`: the frame was searched only there ({@link nextRegion}): see `updateRegion` (a second
   * person is found by whole-frame searches, whose model is the surer one).
   */
  update(faces: readonly Face[], at: number, region?: Box): FaceTrack[] {
    const { birthScore, keepScore, lostMs, minIou = 0.2 } = this.options;
    if (this.lastAt !== undefined && at > this.lastAt) this.gap = at - this.lastAt;
    this.lastAt = at;
    const candidates = mergeFaces(faces.filter((f) => f.score >= keepScore));
    if (region) return this.updateRegion(candidates, at);
    this.fullAt = at;
    this.regionMissed = false;
    // greedy matching, best overlap first
    const pairs: { t: FaceTrack; f: Face; o: number }[] = [];
    for (const t of this.tracks)
      for (const f of candidates) {
        const o = iou(t.box, f.box);
        if (o >= minIou) pairs.push({ t, f, o });
      }
    pairs.sort((a, b) => b.o - a.o);
    const usedTracks = new Set<FaceTrack>();
    const usedFaces = new Set<Face>();
    const seen: FaceTrack[] = [];
    for (const { t, f } of pairs) {
      if (usedTracks.has(t) || usedFaces.has(f)) continue;
      usedTracks.add(t);
      usedFaces.add(f);
      t.box = f.box;
      t.score = f.score;
      t.seenAt = at;
      t.hits++;
      if (f.score >= birthScore) t.sureHits++;
      t.misses = 0;
      seen.push(t);
    }
    for (const f of candidates) {
      if (usedFaces.has(f) || f.score < birthScore) continue;
      const t: FaceTrack = {
        id: this.nextId++,
        box: f.box,
        score: f.score,
        bornAt: at,
        seenAt: at,
        hits: 1,
        sureHits: 1,
        misses: 0,
      };
      this.tracks.push(t);
      seen.push(t);
    }
    for (const t of this.tracks) if (t.seenAt !== at) t.misses++;
    this.tracks = this.tracks.filter((t) => t.misses < 2 || at - t.seenAt <= lostMs);
    this.confirmed = this.tracks.length === 1 && seen.length === 1 ? seen[0].id : undefined;
    return seen;
  }

  /**
   * A region pass around the followed face: the detection nearest to it (any in the region: a
   * candidate moving fast may overlap their last box little or not at all) continues it; none, or
   * another face scoring `birthScore`, has the next frame searched whole. Starts nothing.
   */
  private updateRegion(candidates: Face[], at: number): FaceTrack[] {
    const followed = this.tracks.find((t) => t.id === this.confirmed);
    const centre = (b: Box) => [b.x + b.width / 2, b.y + b.height / 2] as const;
    const distance = (f: Face) => {
      const [ax, ay] = centre(f.box);
      const [bx, by] = followed ? centre(followed.box) : [ax, ay];
      return Math.hypot(ax - bx, ay - by);
    };
    const own = followed ? [...candidates].sort((a, b) => distance(a) - distance(b))[0] : undefined;
    this.regionMissed = !own || candidates.some((f) => f !== own && f.score >= this.options.birthScore);
    const seen: FaceTrack[] = [];
    if (followed && own) {
      followed.box = own.box;
      followed.score = own.score;
      followed.seenAt = at;
      followed.hits++;
      if (own.score >= this.options.birthScore) followed.sureHits++;
      followed.misses = 0;
      seen.push(followed);
    }
    for (const t of this.tracks) if (t.seenAt !== at) t.misses++;
    this.tracks = this.tracks.filter((t) => t.misses < 2 || at - t.seenAt <= this.options.lostMs);
    return seen;
  }

  /** Forgets every track (a camera that restarts). */
  clear(): void {
    this.tracks = [];
    this.fullAt = -Infinity;
    this.confirmed = undefined;
    this.regionMissed = false;
    this.lastAt = undefined;
    this.gap = 0;
  }
}

export interface PresenceOptions extends TrackingOptions {
  /** No tracked face seen this long (ms) is "no face". */
  noFaceMs: number;
  /** A second track alive this long (ms) is "more than one person". */
  multipleFacesMs: number;
  /** The picture back to one face this long (ms) ends a violation. */
  recoverMs: number;
  /**
   * "No face" also needs this many frames in a row without a face, so a slow machine that
   * looks at few frames does not call a face gone on one missed frame. Default 3.
   */
  minMisses?: number;
}

export type PresenceEvent =
  | { type: 'no_face' | 'multiple_people'; phase: 'begin'; at: number; data?: Record<string, number> }
  | { type: 'no_face' | 'multiple_people'; phase: 'end'; at: number };

/**
 * "No face" and "more than one person" over time, from tracks: no face once no track has been
 * seen for `noFaceMs` (and `minMisses` frames); more than one person once two tracks have each
 * lived `multipleFacesMs`, been seen at least 3 times scoring `birthScore`, and are both seen in the
 * same frame (a second face must persist and be sure, not flicker, nor live on weak detections of a
 * pattern in the background; and one candidate moving fast is one face a frame); either ends after
 * `recoverMs` of one face. `observe()` returns what began or ended at that frame.
 */
export class FacePresence {
  readonly tracks: FaceTracks;
  private noFaceOn = false;
  private manyOn = false;
  private missSince?: number;
  private misses = 0;
  private normalSince?: number;

  constructor(readonly options: PresenceOptions) {
    this.tracks = new FaceTracks(options);
  }

  get noFace(): boolean {
    return this.noFaceOn;
  }

  get multiple(): boolean {
    return this.manyOn;
  }

  /** Where to look in the next frame: {@link FaceTracks.nextRegion}. */
  nextRegion(width: number, height: number, at: number): Box | undefined {
    return this.tracks.nextRegion(width, height, at);
  }

  /**
   * Feeds one frame's detections, taken at `at` (ms); `[]` for a frame known to hold no face.
   * `region`: the frame was searched only there (see {@link FaceTracks.update}).
   */
  observe(faces: readonly Face[], at: number, region?: Box): PresenceEvent[] {
    const { noFaceMs, multipleFacesMs, recoverMs, minMisses = 3 } = this.options;
    const seen = this.tracks.update(faces, at, region);
    // two people are two faces in the same frame: tracks both seen in this one (a candidate moving
    // faster than a face width a frame leaves tracks behind that linger unseen; they are not people)
    const persistent = this.tracks.live
      .filter((t) => t.seenAt === at && at - t.bornAt >= multipleFacesMs && t.sureHits >= 3)
      .sort((a, b) => a.bornAt - b.bornAt);
    const manyNow = persistent.length >= 2;
    if (seen.length === 0) {
      this.misses++;
      this.missSince ??= at;
      // a region pass that missed the face only looked around it: the whole frame is searched next,
      // and only a miss there undoes a recovery in progress (a candidate back and moving fast)
      if (!region) this.normalSince = undefined;
    } else {
      this.misses = 0;
      this.missSince = undefined;
      this.normalSince = manyNow ? undefined : (this.normalSince ?? at);
    }
    const events: PresenceEvent[] = [];
    if (!this.noFaceOn && this.missSince !== undefined && this.misses >= minMisses && at - this.missSince >= noFaceMs) {
      this.noFaceOn = true;
      events.push({ type: 'no_face', phase: 'begin', at: this.missSince });
    }
    if (!this.manyOn && manyNow) {
      this.manyOn = true;
      events.push({
        type: 'multiple_people',
        phase: 'begin',
        at: persistent[1].bornAt,
        data: { faces: persistent.length },
      });
    }
    const recovered = this.normalSince !== undefined && at - this.normalSince >= recoverMs;
    if (this.noFaceOn && (recovered || this.manyOn)) {
      this.noFaceOn = false;
      events.push({ type: 'no_face', phase: 'end', at: this.normalSince ?? at });
    }
    if (this.manyOn && (recovered || this.noFaceOn)) {
      this.manyOn = false;
      events.push({ type: 'multiple_people', phase: 'end', at: this.normalSince ?? at });
    }
    return events;
  }

  /** A new camera: forget the tracks and the counting (violations in progress stay open). */
  restart(): void {
    this.tracks.clear();
    this.missSince = undefined;
    this.misses = 0;
    this.normalSince = undefined;
  }
}
