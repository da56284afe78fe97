import { expect } from '@open-wc/testing';
import { createFaceDetector } from '../../src/index.js';
import { DIST_ASSETS, cameraVideo } from './media.js';
import { describeExcept, NO_FACE_DETECTION_WEBKIT } from './engine.js';

/** Runs the detector on `frames` frames of Chromium's fake camera (the group's fixture video). */
export function describeCameraFaces(fixture: string, expectedFaces: number) {
  describeExcept({ webkit: NO_FACE_DETECTION_WEBKIT }, `face detection on the fake camera (${fixture})`, function () {
    this.timeout(30000);
    it(`sees ${expectedFaces} face(s) in every sampled frame`, async () => {
      const { video, stream } = await cameraVideo();
      const detector = await createFaceDetector({ assetBase: DIST_ASSETS });
      try {
        expect(video.videoWidth).to.equal(640);
        const counts: number[] = [];
        for (let i = 0; i < 12; i++) {
          counts.push((await detector.detect(video)).faces.length);
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(counts).to.deep.equal(Array<number>(12).fill(expectedFaces));
      } finally {
        detector.close();
        stream.getTracks().forEach((t) => t.stop());
      }
    });
  });
}
