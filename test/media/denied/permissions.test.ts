import { expect } from '@open-wc/testing';
import { ErrorCode, runMicrophoneCheck, runScreenshareCheck, runWebcamCheck } from '../../../src/index.js';

describe('checks when the candidate denies permission', () => {
  it('microphone: 4003 with what to do', async () => {
    const { result } = await runMicrophoneCheck();
    expect(result).to.include({ status: 'failed', code: ErrorCode.MICROPHONE_BLOCKED });
    expect(result.message).to.match(/blocked.*Allow it/);
  });

  it('camera: 4002', async () => {
    const { result } = await runWebcamCheck({ requireFace: false });
    expect(result).to.include({ status: 'failed', code: ErrorCode.CAMERA_BLOCKED });
  });

  it('screen share: 4011', async () => {
    const { result } = await runScreenshareCheck();
    expect(result).to.include({ status: 'failed', code: ErrorCode.SCREEN_SHARE_DENIED });
  });
});
