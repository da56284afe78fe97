import { expect } from '@open-wc/testing';
import { ErrorCode, runMicrophoneCheck, runWebcamCheck } from '../../../src/index.js';

describe('checks when there is no device', () => {
  it('microphone: 4009', async () => {
    const { result } = await runMicrophoneCheck();
    expect(result).to.include({ status: 'failed', code: ErrorCode.NO_MICROPHONE });
    expect(result.message).to.match(/No microphone was found/);
  });

  it('camera: 4010', async () => {
    const { result } = await runWebcamCheck({ requireFace: false });
    expect(result).to.include({ status: 'failed', code: ErrorCode.NO_CAMERA });
  });
});
