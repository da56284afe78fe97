import { expect } from '@open-wc/testing';
import { runWebcamCheck } from '../../src/index.js';
import type { CheckFailureReason } from '../../src/checks/types.js';
import { DIST_ASSETS } from './media.js';

/** The webcam check on this group's fixture video: succeeded, or failed for `reason`. */
export function describeWebcamCheck(fixture: string, expected: 'succeeded' | CheckFailureReason) {
  describe(`webcam check (${fixture})`, function () {
    this.timeout(30000);
    it(expected === 'succeeded' ? 'succeeds and keeps the camera' : `fails as ${expected}`, async () => {
      const { result, stream } = await runWebcamCheck({ assetBase: DIST_ASSETS });
      try {
        expect(result.metrics.width).to.equal(640);
        expect(result.metrics.samples).to.be.within(8, 14);
        if (expected === 'succeeded') {
          expect(result.status).to.equal('succeeded');
          expect(result.metrics.oneFaceFrames).to.equal(result.metrics.samples);
          // under load the fake camera can repeat a frame; the spec allows up to a third
          expect(result.metrics.frozenFrames).to.be.below(Number(result.metrics.samples) / 3);
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
