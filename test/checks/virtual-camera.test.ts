import { expect } from '@open-wc/testing';
import { VIRTUAL_CAMERA_PATTERN } from '../../src/index.js';

describe('virtual camera labels', () => {
  it('flags known virtual cameras and leaves real ones alone', () => {
    for (const label of [
      'OBS Virtual Camera',
      'ManyCam Virtual Webcam',
      'Snap Camera',
      'XSplit VCam',
      'DroidCam Source 3',
      'mmhmm Camera',
    ])
      expect(VIRTUAL_CAMERA_PATTERN.test(label), label).to.equal(true);
    for (const label of ['FaceTime HD Camera', 'Integrated Webcam (0bda:58f4)', 'Logitech BRIO', 'fake_device_0'])
      expect(VIRTUAL_CAMERA_PATTERN.test(label), label).to.equal(false);
  });
});
