import { expect } from '@open-wc/testing';
import {
  REVIEW_CODES,
  allStatuses,
  describeStatus,
  isCheckStatus,
  isExamStatus,
  isReviewStatus,
  isSessionStatus,
  kindsOf,
} from '../src/statuses.js';

describe('statuses', () => {
  it('keeps the four vocabularies disjoint so a bare value has one kind', () => {
    for (const s of allStatuses()) expect(kindsOf(s.value), s.value).to.deep.equal([s.kind]);
  });

  it('gives every value a label, a description and a tone', () => {
    const all = allStatuses();
    expect(all).to.have.length(7 + 3 + 4 + 7);
    for (const s of all) {
      expect(s.label, s.value).to.be.a('string').and.not.empty;
      expect(s.description, s.value).to.match(/\.$/);
      expect(['neutral', 'progress', 'success', 'warning', 'danger']).to.include(s.tone);
    }
  });

  it("carries ProctorExam's review codes", () => {
    expect(REVIEW_CODES).to.deep.equal({
      unreviewed: '00',
      in_review: '01',
      uncertain: '10',
      is_reviewed_green: '000',
      is_reviewed_yellow: '001',
      is_reviewed_red: '010',
      unreviewable: '011',
    });
    expect(describeStatus('is_reviewed_red')?.code).to.equal('010');
    expect(describeStatus('failed')?.code).to.equal(undefined);
  });

  it('looks values up within a given kind only', () => {
    expect(describeStatus('failed', 'check')?.tone).to.equal('danger');
    expect(describeStatus('failed', 'session')).to.equal(undefined);
    expect(describeStatus('nope')).to.equal(undefined);
    // kinds come from markup too: an unknown one is no vocabulary, not a TypeError
    expect(describeStatus('failed', 'bogus' as never)).to.equal(undefined);
    expect(describeStatus('failed', 'toString' as never)).to.equal(undefined);
  });

  it('has type guards for each vocabulary', () => {
    expect(isSessionStatus('exam_started')).to.equal(true);
    expect(isSessionStatus('failed')).to.equal(false);
    expect(isExamStatus('open')).to.equal(true);
    expect(isCheckStatus('succeeded')).to.equal(true);
    expect(isReviewStatus('uncertain')).to.equal(true);
    expect(isReviewStatus(42)).to.equal(false);
  });
});
