import { expect } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import { ErrorCode } from '../../../src/index.js';
import { inUserGesture } from '../../helpers/engine.js';
import { monitor, until } from '../../helpers/monitor.js';

describe('<ap-monitor>: a lost screen share can be shared again', function () {
  this.timeout(30000);

  it('sharing a window instead is refused with 4014 and the reason shown; the violation stays open', async () => {
    const screen = await inUserGesture(() => navigator.mediaDevices.getDisplayMedia({ video: true }));
    const canvas = document.createElement('canvas');
    const windowStream = canvas.captureStream();
    // one track object, whatever the engine's wrappers: its settings say "a window"
    const [windowTrack] = windowStream.getVideoTracks();
    windowTrack.getSettings = () => ({ displaySurface: 'window', width: 300, height: 150 });
    windowStream.getVideoTracks = () => [windowTrack];
    const mediaDevices = {
      getUserMedia: (c: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(c),
      getDisplayMedia: () => Promise.resolve(windowStream),
    } as unknown as MediaDevices;
    const h = await monitor({ track: 'tabSwitch', streams: { screen }, mediaDevices, tuning: { deviceCheckMs: 200 } });
    screen.getVideoTracks()[0].stop();
    await until(() => h.indicator().includes('Screen sharing stopped.'), 5000, 'the indicator');
    expect(await h.el.shareScreenAgain()).to.equal(false);
    await h.el.updateComplete;
    expect(h.el.shadowRoot!.querySelector('[part="share-message"]')!.textContent).to.contain(
      'You shared a window or a tab. Share your entire screen instead.',
    );
    expect(h.errors.map((e) => e.code)).to.deep.equal([ErrorCode.DEVICE_LOST, ErrorCode.NOT_ENTIRE_SCREEN]);
    expect(h.indicator()).to.contain('Screen sharing stopped.');
    expect(windowTrack.readyState).to.equal('ended'); // the refused share is not kept
    await h.el.destroy();
  });

  it('shows "Share your screen again" after sharing stopped; sharing again ends screen_share_lost (5103)', async () => {
    const screen = await inUserGesture(() => navigator.mediaDevices.getDisplayMedia({ video: true }));
    const h = await monitor({ track: 'tabSwitch', streams: { screen }, tuning: { deviceCheckMs: 200 } });
    screen.getVideoTracks()[0].stop(); // the candidate pressed "Stop sharing"
    await until(() => h.indicator().includes('Screen sharing stopped.'), 5000, 'the indicator');
    expect(h.errors.map((e) => e.code)).to.deep.equal([ErrorCode.DEVICE_LOST]);
    await h.el.updateComplete;
    const button = h.el.shadowRoot!.querySelector<HTMLButtonElement>('button[part="share-again"]')!;
    expect(button.textContent.trim()).to.equal('Share your screen again');
    button.focus();
    await sendKeys({ press: 'Enter' }); // keyboard works: a real key press
    await until(() => h.indicator() === 'Proctoring is on. All clear.', 10000, 'all clear again').catch(
      (error: Error) => {
        const shown = h.el.shadowRoot!.querySelector('[part="share-message"]')?.textContent?.trim();
        throw new Error(`${error.message}; errors ${JSON.stringify(h.errors)}; shown "${shown}"; "${h.indicator()}"`);
      },
    );
    expect(h.el.shadowRoot!.querySelector('button[part="share-again"]')).to.equal(null);
    // announced when confirmed, completed (same id) once shared again
    await until(
      () => h.evidence.some((e) => e.code === 5103 && e.endedAt !== undefined),
      10000,
      'screen_share_lost end',
    );
    const lost = h.evidence.find((e) => e.code === 5103)!;
    expect(lost.endedAt).to.be.a('number');
    expect(lost.data).to.include({ device: 'screen' });
    // the new share is watched in turn: stopping it again is a second violation
    const report = await h.el.stop();
    expect(report.counts.screen_share_lost).to.equal(1);
  });
});
