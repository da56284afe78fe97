import { expect } from '@open-wc/testing';
import { runWebcamCheck } from '../../src/index.js';
import type { CheckFailureReason } from '../../src/checks/types.js';
import { DIST_ASSETS } from './media.js';
import { describeExcept, NO_FACE_DETECTION_WEBKIT } from './engine.js';

/** The webcam check on this group's fixture video: succeeded, or failed for `reason`. */
export function describeWebcamCheck(fixture: string, expected: 'succeeded' | CheckFailureReason) {
  describeExcept({ webkit: NO_FACE_DETECTION_WEBKIT }, `webcam check (${fixture})`, function () {
    this.timeout(30000);
    it(expected === 'succeeded' ? 'succeeds and keeps the camera' : `fails as ${expected}`, async () => {
      const { result, stream } = await runWebcamCheck({ assetBase: DIST_ASSETS });
      try {
        expect(result.metrics.width).to.equal(640);
        // outcomes only: how many frames a loaded machine gets to look at is not the check's result
        if (expected === 'succeeded') {
          expect(result.status, result.message).to.equal('succeeded');
          expect(stream?.getVideoTracks()[0].readyState).to.equal('live');
        } else {
          expect(result.status).to.equal('failed');
          expect(result.reason).to.equal(expected);
          expect(stream).to.equal(undefined);
        }
      } finally {
        stream?.getTracks().forEach((t) => t.stop());
      }
    });
  });
}
