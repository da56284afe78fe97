import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../../src/define.js';
import {
  ErrorCode,
  type ApRequirementsCheck,
  type ApStatusBadge,
  type CheckSettings,
  type ChecksSummary,
} from '../../../src/index.js';
import { describeExcept, inUserGesture, NO_FACE_DETECTION_WEBKIT } from '../../helpers/engine.js';
import { DIST_ASSETS } from '../../helpers/media.js';

const settings: CheckSettings = {
  speakers: { generateCode: () => '4721', gapMs: 50 },
  bandwidth: { downloadBytes: 200_000, uploadBytes: 100_000 },
};
const part = (el: ApRequirementsCheck, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const rowMessage = (el: ApRequirementsCheck, check: string) =>
  el.shadowRoot!.querySelector(`[data-check="${check}"] [part="message"]`)!.textContent.trim();

describeExcept(
  { webkit: NO_FACE_DETECTION_WEBKIT },
  '<ap-requirements-check> with fake devices and the one-face camera',
  function () {
    this.timeout(60000);

    it('runs every check in order with the candidate’s input, then reports passed', async () => {
      const el = await fixture<ApRequirementsCheck>(html`
        <ap-requirements-check
          checks="microphone,speakers,bandwidth,webcam,screenshare"
          bandwidth-url="/__bandwidth/fast/"
          asset-base=${DIST_ASSETS}
          .settings=${settings}
        >
          <ap-status-badge id="webcam-badge" source="check:webcam"></ap-status-badge>
          <ap-status-badge id="session-badge" source="session"></ap-status-badge>
        </ap-requirements-check>
      `);
      const changes: string[] = [];
      el.addEventListener('ap-check-change', (e) => changes.push(`${e.detail.name}:${e.detail.status}`));
      await expect(el).to.be.accessible();

      part(el, 'start')!.click();
      await waitUntil(() => part(el, 'meter'), 'microphone meter shown');

      // speakers: the candidate plays the code and types it
      await waitUntil(() => part(el, 'play'), 'speakers panel shown', { timeout: 10000 });
      await expect(el).to.be.accessible();
      part(el, 'play')!.click();
      const input = part(el, 'code-input') as HTMLInputElement;
      input.value = '1234';
      (part(el, 'code-form') as HTMLFormElement).requestSubmit();
      await waitUntil(() => part(el, 'feedback')?.textContent?.includes('2 tries left'), 'wrong-code feedback');
      input.value = '4721';
      (part(el, 'code-form') as HTMLFormElement).requestSubmit();

      // camera preview while the webcam check runs, then the screen share needs a click
      await waitUntil(() => el.results.find((r) => r.name === 'webcam')?.status === 'not_completed', 'webcam started', {
        timeout: 15000,
      });
      expect(part(el, 'preview')!.hidden).to.equal(false);
      await waitUntil(() => part(el, 'share'), 'share button', { timeout: 15000 });
      const complete = oneEvent(el, 'ap-checks-complete');
      // within a real click (Firefox shares the screen only on a user activation)
      await inUserGesture(() => Promise.resolve(part(el, 'share')!.click()));
      const { detail } = (await complete) as CustomEvent<ChecksSummary>;

      expect(detail.passed).to.equal(true);
      expect(detail.results.map((r) => r.status)).to.deep.equal(Array(5).fill('succeeded'));
      expect(changes).to.deep.equal(
        ['microphone', 'speakers', 'bandwidth', 'webcam', 'screenshare'].flatMap((n) => [
          `${n}:not_completed`,
          `${n}:succeeded`,
        ]),
      );
      expect(el.passed).to.equal(true);
      await el.updateComplete;
      expect(part(el, 'summary')!.textContent).to.contain('All required checks passed');
      expect(rowMessage(el, 'webcam')).to.equal('Your camera works.');
      const preview = part(el, 'preview') as HTMLVideoElement;
      expect(preview.srcObject).to.equal(el.cameraStream);
      expect(preview.paused).to.equal(false);

      // nested badges follow the session context live
      const webcamBadge = el.querySelector<ApStatusBadge>('#webcam-badge')!;
      const sessionBadge = el.querySelector<ApStatusBadge>('#session-badge')!;
      await webcamBadge.updateComplete;
      expect(webcamBadge.info?.value).to.equal('succeeded');
      expect(sessionBadge.info?.value).to.equal('after_check_req');

      // the camera and the screen are kept for monitoring until reset()
      const [camera, screen] = [el.cameraStream!, el.screenStream!];
      expect(camera.getVideoTracks()[0].readyState).to.equal('live');
      expect(screen.getVideoTracks()[0].readyState).to.equal('live');
      await expect(el).to.be.accessible();
      el.reset();
      expect(camera.getVideoTracks()[0].readyState).to.equal('ended');
      expect(screen.getVideoTracks()[0].readyState).to.equal('ended');
      expect(el.results.map((r) => r.status)).to.deep.equal(Array(5).fill('not_started'));
    });

    it('autostarts, shows the camera in its preview, retries by name, and releases everything when removed', async () => {
      const el = await fixture<ApRequirementsCheck>(
        html`<ap-requirements-check autostart checks="webcam" asset-base=${DIST_ASSETS}></ap-requirements-check>`,
      );
      await oneEvent(el, 'ap-checks-complete');
      expect((part(el, 'preview') as HTMLVideoElement).srcObject).to.equal(el.cameraStream);
      expect(el.results[0].status).to.equal('succeeded');
      const first = el.cameraStream!;
      await el.run('webcam');
      expect(first.getVideoTracks()[0].readyState).to.equal('ended');
      // the retry passed too (CI run 54, with a CPU hog beside it: it did not; say why if again)
      const [retried] = el.results;
      expect(retried.status, `${retried.reason}: ${retried.message} ${JSON.stringify(retried.metrics)}`).to.equal(
        'succeeded',
      );
      const second = el.cameraStream!;
      el.remove();
      expect(second.getVideoTracks()[0].readyState).to.equal('ended');
    });
  },
);

describeExcept({ webkit: NO_FACE_DETECTION_WEBKIT }, '<ap-requirements-check> while the exam runs', function () {
  this.timeout(60000);

  it('is locked while a monitor uses its camera (no retry, run() refused), and drops the preview when the exam ends', async () => {
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check autostart checks="webcam" asset-base=${DIST_ASSETS}></ap-requirements-check>`,
    );
    await oneEvent(el, 'ap-checks-complete');
    await el.updateComplete;
    // what the rest stands on: the check passed and kept its camera (CI run 49, with a CPU hog
    // beside it, found the checks unlocked here: say why if it happens again)
    expect(el.results[0].status, `${el.results[0].reason}: ${el.results[0].message}`).to.equal('succeeded');
    expect(part(el, 'retry')).to.exist;
    const camera = el.cameraStream!;
    expect(camera, 'the webcam check keeps its camera').to.exist;
    const monitor = document.createElement('ap-monitor');
    Object.assign(monitor, { clientId: 'c', testAttemptId: `locked-${Date.now()}`, hashedTestAttemptId: 'h' });
    document.body.append(monitor);
    const evidence: string[] = [];
    monitor.addEventListener('ap-evidence', (e) => evidence.push(e.detail.type));
    const changes: string[] = [];
    el.addEventListener('ap-check-change', (e) => changes.push(e.detail.status));
    await monitor.setup({
      track: 'numHumans',
      streams: { camera },
      assetBase: DIST_ASSETS,
      outboxName: `locked-${Date.now()}`,
    });
    await monitor.start();
    await el.updateComplete;
    expect(el.locked).to.equal(true);
    expect(part(el, 'retry')).to.equal(null);
    expect(part(el, 'locked')!.textContent).to.contain('checks are locked');
    // one camera preview on the page: the exam's
    expect(part(el, 'preview')!.hidden).to.equal(true);
    const refused = await el.run('webcam').then(
      () => undefined,
      (e: Error & { code?: number }) => e.code,
    );
    expect(refused).to.equal(4110);
    expect(() => el.reset()).to.throw(/locked/);
    expect(camera.getVideoTracks()[0].readyState).to.equal('live');
    expect(changes).to.deep.equal([]);
    await expect(el).to.be.accessible();

    await monitor.stop();
    await el.updateComplete;
    expect(evidence).to.not.include('camera_lost');
    expect(el.locked).to.equal(false);
    expect(el.cameraStream).to.equal(undefined);
    expect(part(el, 'preview')!.hidden).to.equal(true);
    expect(part(el, 'locked')).to.equal(null);
    expect(part(el, 'retry')).to.exist;
    monitor.remove();
  });

  it('removing the checks mid-exam leaves the exam its camera', async () => {
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check autostart checks="webcam" asset-base=${DIST_ASSETS}></ap-requirements-check>`,
    );
    await oneEvent(el, 'ap-checks-complete');
    const camera = el.cameraStream!;
    const monitor = document.createElement('ap-monitor');
    Object.assign(monitor, { clientId: 'c', testAttemptId: `moved-${Date.now()}`, hashedTestAttemptId: 'h' });
    document.body.append(monitor);
    await monitor.setup({
      track: 'numHumans',
      streams: { camera },
      assetBase: DIST_ASSETS,
      outboxName: `moved-${Date.now()}`,
    });
    await monitor.start();
    el.remove(); // a single-page app moves on to the exam view
    expect(camera.getVideoTracks()[0].readyState).to.equal('live');
    await monitor.stop();
    expect(camera.getVideoTracks()[0].readyState).to.equal('ended');
    monitor.remove();
  });
});

describeExcept(
  {
    chromium: 'face detection works there (tested above)',
    firefox: 'face detection works there (tested above)',
  },
  '<ap-requirements-check> where face detection cannot run (WebKitGTK here: no usable WebGL)',
  function () {
    this.timeout(60000);

    it('the webcam check fails with 4001, and instead of "Try again" (same failure) says to use another browser', async () => {
      const el = await fixture<ApRequirementsCheck>(
        html`<ap-requirements-check checks="webcam" asset-base=${DIST_ASSETS}></ap-requirements-check>`,
      );
      const complete = oneEvent(el, 'ap-checks-complete');
      part(el, 'start')!.click();
      const { detail } = (await complete) as CustomEvent<ChecksSummary>;
      expect(detail.results[0]).to.include({ name: 'webcam', status: 'failed', code: ErrorCode.INCOMPATIBLE_BROWSER });
      await el.updateComplete;
      expect(rowMessage(el, 'webcam')).to.equal(
        'Face detection cannot run in this browser: MediaPipe needs WebGL, and it has no usable WebGL, neither in workers nor on the page.',
      );
      expect(
        [...el.shadowRoot!.querySelectorAll('[data-check="webcam"] button')].map((b) => b.textContent.trim()),
        'no "Try again"',
      ).to.deep.equal([]);
      expect(part(el, 'no-retry')!.textContent).to.equal(
        'Trying again will not help in this browser. Open this page in another browser, such as a current Chrome, Edge or Firefox.',
      );
      await expect(el).to.be.accessible();
    });
  },
);
