import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { createFaceDetector, runWebcamCheck } from '../../../src/index.js';
import { DIST_ASSETS } from '../../helpers/media.js';
import { until } from '../../helpers/monitor.js';
import { itExcept, NO_FACE_DETECTION_WEBKIT } from '../../helpers/engine.js';

describe('webcam check options', function () {
  this.timeout(30000);
  it('fails on resolution below the configured minimum, naming both sizes', async () => {
    const { result } = await runWebcamCheck({ minWidth: 1280, minHeight: 720, requireFace: false });
    expect(result).to.include({ status: 'failed', reason: 'resolution' });
    expect(result.message).to.contain('640×480').and.contain('1280×720');
  });

  it('flags a frozen picture when the change threshold is above the fixture noise', async () => {
    const { result } = await runWebcamCheck({ frozenChange: 50, requireFace: false, durationMs: 1500 });
    expect(result).to.include({ status: 'failed', reason: 'frozen' });
  });

  it('runs without the face engine when requireFace is false', async () => {
    const { result, stream } = await runWebcamCheck({ requireFace: false, durationMs: 1000 });
    expect(result.status, `${result.reason}: ${result.message}`).to.equal('succeeded');
    expect(result.metrics.oneFaceFrames).to.equal(0);
    stream?.getTracks().forEach((t) => t.stop());
  });

  itExcept(
    { webkit: NO_FACE_DETECTION_WEBKIT },
    'leaves no face detector behind after failed tries (five tries: no worker left running)',
    async () => {
      const workers = async () => (await executeServerCommand<{ count: number }, undefined>('worker-count')).count;
      const before = await workers();
      // control: the count sees a detector's worker in this engine (else the check below could not fail)
      const probe = await createFaceDetector({ assetBase: DIST_ASSETS });
      await until(async () => (await workers()) > before, 20000, "the probe detector's worker to be counted");
      probe.close();
      for (let i = 0; i < 5; i++) {
        // fails at once on resolution, while its detector is still loading
        const { result } = await runWebcamCheck({ minWidth: 4000, minHeight: 3000, assetBase: DIST_ASSETS });
        expect(result).to.include({ status: 'failed', reason: 'resolution' });
      }
      await until(async () => (await workers()) <= before, 20000, 'the detectors of the failed tries to close');
      expect(await workers()).to.be.at.most(before);
    },
  );
});
