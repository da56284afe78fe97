import { expect } from '@open-wc/testing';
import { ErrorCode, runScreenshareCheck } from '../../../src/index.js';
import { engine, inUserGesture } from '../../helpers/engine.js';

/** A MediaDevices whose getDisplayMedia returns a canvas stream: headless Chromium cannot share a window. */
function windowSharingDevices(): MediaDevices {
  const canvas = document.createElement('canvas');
  const stream = canvas.captureStream();
  const track = stream.getVideoTracks()[0];
  // what Chromium reports for a shared window (a canvas track has no displaySurface: that is "unknown")
  track.getSettings = () => ({ displaySurface: 'window', width: 300, height: 150 });
  return {
    getUserMedia: () => Promise.resolve(stream),
    getDisplayMedia: () => Promise.resolve(stream),
  } as unknown as MediaDevices;
}

describe('screenshare check', () => {
  it('succeeds when the entire screen is shared, and keeps the stream', async () => {
    const { result, stream } = await inUserGesture(() => runScreenshareCheck());
    expect(result.status).to.equal('succeeded');
    // Firefox does not report displaySurface: the check passes, warning that it could not verify it
    expect(result.metrics.displaySurface).to.equal(engine === 'firefox' ? 'unknown' : 'monitor');
    if (engine === 'firefox') expect(result.warnings?.[0]).to.contain('does not tell what was shared');
    expect(stream?.getVideoTracks()[0].readyState).to.equal('live');
    stream?.getTracks().forEach((t) => t.stop());
  });

  it('fails with 4014 when a window or tab is shared (injected: headless Chromium only offers the screen)', async () => {
    const { result, stream } = await runScreenshareCheck({ mediaDevices: windowSharingDevices() });
    expect(result).to.include({ status: 'failed', code: ErrorCode.NOT_ENTIRE_SCREEN, reason: 'not_entire_screen' });
    expect(stream).to.equal(undefined);
  });

  it('fails with 4015 when screen.isExtended reports more than one monitor (injected screen)', async () => {
    const { result } = await inUserGesture(() => runScreenshareCheck({ screen: { isExtended: true } }));
    expect(result).to.include({ status: 'failed', code: ErrorCode.MULTIPLE_MONITORS });
  });
});
