import { expect } from '@open-wc/testing';
import { REVIEW_THRESHOLD, computeTrustScore, type EvidenceRecord, type EvidenceType } from '../../src/index.js';

let seq = 0;
const ev = (type: EvidenceType, durationMs = 0): EvidenceRecord => ({
  id: String(++seq),
  attemptId: 'a',
  seq,
  code: 5000,
  type,
  startedAt: 0,
  durationMs,
});

describe('Trust Score', () => {
  it('is 100 with no evidence, and neutral evidence costs nothing', () => {
    expect(computeTrustScore([])).to.include({ trustScore: 100, needsReview: false });
    expect(computeTrustScore([ev('random_photo'), ev('returned_to_test')]).trustScore).to.equal(100);
  });

  it('weighs type, frequency and duration: perEvent × n + perMinute × minutes, capped per type', () => {
    // no face: 3 per event + 4 per minute → 2 events of 30 s = 6 + 4 = 10
    const twoShort = computeTrustScore([ev('no_face', 30_000), ev('no_face', 30_000)]);
    expect(twoShort.trustScore).to.equal(90);
    expect(twoShort.penalties.no_face).to.equal(10);
    expect(twoShort.counts.no_face).to.equal(2);
    // capped at 40 however long
    expect(computeTrustScore([ev('no_face', 60 * 60_000)]).trustScore).to.equal(60);
  });

  it('says "review" below 85', () => {
    expect(REVIEW_THRESHOLD).to.equal(85);
    const r = computeTrustScore([ev('multiple_people', 60_000)]); // 8 + 8 = 16
    expect(r).to.include({ trustScore: 84, needsReview: true });
  });

  it('takes configurable weights and never goes below 0', () => {
    const r = computeTrustScore([ev('tab_switch')], { tab_switch: { perEvent: 150, perMinute: 0, max: 150 } });
    expect(r.trustScore).to.equal(0);
  });

  it('puts an attempt in review when a second person was there for a quarter of it or more', () => {
    const T = Date.parse('2026-11-20T10:00:00Z');
    // two people in front of the camera for the whole of a 14 s exam: 90 by weights alone
    const whole = [ev('multiple_people', 13_000)];
    expect(computeTrustScore(whole).trustScore).to.be.at.least(REVIEW_THRESHOLD);
    const short = computeTrustScore(whole, {}, { startedAt: T, finishedAt: T + 14_000 });
    expect(short).to.include({ trustScore: REVIEW_THRESHOLD - 1, needsReview: true });
    expect(short.multiplePeople).to.be.closeTo(0.929, 0.001);
    // a second face for 10 s of a 10-minute exam is not this rule's business
    const brief = computeTrustScore([ev('multiple_people', 10_000)], {}, { startedAt: T, finishedAt: T + 600_000 });
    expect(brief.needsReview).to.equal(false);
    // configurable (1 turns it off)
    expect(
      computeTrustScore(whole, {}, { startedAt: T, finishedAt: T + 14_000, multiplePeopleShare: 1 }).needsReview,
    ).to.equal(false);
  });

  it('puts an attempt in review when the face was missing for half of it or more, whatever its length', () => {
    const T = Date.parse('2026-11-20T10:00:00Z');
    // never seen on camera in a 2-minute exam (plus a tab switch): 90 by weights alone
    const records = [ev('no_face', 110_000), ev('tab_switch')];
    expect(computeTrustScore(records).trustScore).to.be.at.least(REVIEW_THRESHOLD);
    const short = computeTrustScore(records, {}, { startedAt: T, finishedAt: T + 120_000 });
    expect(short).to.include({ trustScore: REVIEW_THRESHOLD - 1, needsReview: true });
    expect(short.faceMissing).to.be.closeTo(0.917, 0.001);
    // a lost camera counts as a missing face
    const lost = computeTrustScore([ev('camera_lost', 40_000)], {}, { startedAt: T, finishedAt: T + 60_000 });
    expect(lost.needsReview).to.equal(true);
    // the same 110 s in a 2-hour exam is a short absence: no review from this rule
    const long = computeTrustScore(records, {}, { startedAt: T, finishedAt: T + 2 * 3_600_000 });
    expect(long.needsReview).to.equal(false);
    // the share is configurable (1 turns the rule off)
    expect(
      computeTrustScore(records, {}, { startedAt: T, finishedAt: T + 120_000, faceMissingShare: 1 }).needsReview,
    ).to.equal(false);
  });
});
