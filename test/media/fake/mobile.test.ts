import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../../src/define.js';
import {
  BroadcastPairingTransport,
  ErrorCode,
  SecondCameraSender,
  runMobileCheck,
  type ApChecksCompleteEvent,
  type ApErrorEvent,
  type ApRequirementsCheck,
  type EvidenceRecord,
} from '../../../src/index.js';
import { describeExcept } from '../../helpers/engine.js';
import { sleep, until } from '../../helpers/monitor.js';
import { checkWithPairing, phone } from '../../helpers/pairing.js';

const NO_WEBRTC = {
  webkit:
    "Debian's WebKitGTK is built without WebRTC: the mobile check fails with 4001 (tested in 'the mobile check without WebRTC')",
};

describeExcept(NO_WEBRTC, 'mobile check: a phone paired as a second camera (BroadcastChannel)', function () {
  this.timeout(60000);

  it('shows a QR code and the link, waits, and succeeds once video frames from the phone arrive', async () => {
    const { el, changes, code, link } = await checkWithPairing();
    expect(code).to.match(/^[a-z2-9]{10}$/);
    expect(link.textContent).to.equal(link.href);
    expect(new URL(link.href).pathname).to.equal('/phone.html');
    const qr = el.shadowRoot!.querySelector('svg[part="qr"]')!;
    expect(qr.getAttribute('role')).to.equal('img');
    expect(qr.getAttribute('aria-label')).to.equal('QR code of the link for your phone');
    expect(qr.querySelector('path')!.getAttribute('d')!.length).to.be.above(500);
    expect(el.shadowRoot!.querySelector('[part="phone-status"]')!.textContent.trim()).to.equal(
      'Waiting for your phone…',
    );
    expect(el.results[0].status).to.equal('not_completed');
    await expect(el).to.be.accessible();
    await sleep(500);
    expect(el.results[0].status, 'no phone yet').to.equal('not_completed');

    const cam = phone(code);
    const done = await oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
    const result = done.detail.results[0];
    expect(result.status).to.equal('succeeded');
    expect(result.metrics.framesDecoded).to.be.at.least(5);
    expect(result.metrics.width).to.be.above(0);
    expect(changes.map((c) => c.status)).to.deep.equal(['not_completed', 'succeeded']);
    expect(el.secondCamera!.state).to.equal('connected');
    expect(el.secondCamera!.stream!.getVideoTracks()[0].readyState).to.equal('live');
    expect(cam.state).to.equal('connected');
    expect(cam.shadowRoot!.querySelector('[part="status"]')!.textContent.trim()).to.equal(
      'Connected: the exam sees this camera.',
    );
    await expect(cam).to.be.accessible();
    const phonePreview = el.shadowRoot!.querySelector<HTMLVideoElement>('video[part="phone-preview"]')!;
    expect(phonePreview.hidden).to.equal(false);
    expect(phonePreview.videoWidth).to.be.above(0);
    cam.remove();
    el.remove();
  });

  it('does not succeed on a connection alone: a phone track that never paints times out (4112)', async () => {
    const transport = new BroadcastPairingTransport();
    const canvas = document.createElement('canvas');
    const silent = canvas.captureStream(0); // no frame until requestFrame(), which never comes
    const stages: string[] = [];
    let sender: SecondCameraSender | undefined;
    const outcome = await runMobileCheck({
      pairingUrl: '/phone.html',
      transport,
      timeoutMs: 4000,
      onProgress: (p) => p.message && stages.push(p.message),
      onPairing: ({ code }) => {
        sender = new SecondCameraSender(transport.join(code, 'phone'), silent);
        void sender.start();
      },
    });
    expect(stages).to.include('receiving'); // the track arrived…
    expect(outcome.result).to.include({ status: 'failed', code: ErrorCode.PAIRING_TIMEOUT, reason: 'timeout' });
    expect(outcome.receiver).to.equal(undefined);
    sender!.close();
  });

  it('fails after the timeout when no phone comes', async () => {
    const { result } = await runMobileCheck({ pairingUrl: '/phone.html', timeoutMs: 800 });
    expect(result).to.include({ status: 'failed', code: ErrorCode.PAIRING_TIMEOUT, reason: 'timeout' });
    expect(result.message).to.contain('No phone sent video within 1 s');
  });

  it("fails with 4114 when the phone's camera is denied, and the phone page says so", async () => {
    const { el, code } = await checkWithPairing();
    const denied = {
      getUserMedia: () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError')),
      enumerateDevices: () => Promise.resolve([]),
    } as unknown as MediaDevices;
    const errors: number[] = [];
    const cam = document.createElement('ap-mobile-camera');
    cam.addEventListener('ap-error', (e) => errors.push(e.detail.code));
    Object.assign(cam, { pairingCode: code, mediaDevices: denied });
    document.body.append(cam);
    const done = await oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
    expect(done.detail.results[0]).to.include({
      status: 'failed',
      code: ErrorCode.PHONE_CAMERA_DENIED,
      reason: 'camera_denied',
    });
    expect(errors).to.deep.equal([ErrorCode.PHONE_CAMERA_DENIED]);
    await until(() => !!cam.shadowRoot!.querySelector('[role="alert"]'), 2000, 'the phone alert');
    expect(cam.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('camera could not be opened');
    cam.remove();
    el.remove();
  });

  it('a phone page with a bad code says so with 4107', async () => {
    const cam = document.createElement('ap-mobile-camera');
    cam.pairingCode = 'x';
    const error = oneEvent<ApErrorEvent>(cam, 'ap-error');
    document.body.append(cam);
    expect((await error).detail.code).to.equal(ErrorCode.INVALID_OPTION);
    cam.remove();
  });

  it('during monitoring, the phone leaving is evidence 5104 until it reconnects by itself', async () => {
    const { el, code } = await checkWithPairing();
    let cam = phone(code);
    await oneEvent(el, 'ap-checks-complete');
    const monitor = document.createElement('ap-monitor');
    Object.assign(monitor, { clientId: 'c', testAttemptId: `aux-${Date.now()}`, hashedTestAttemptId: 'h' });
    document.body.append(monitor);
    const evidence: EvidenceRecord[] = [];
    const errors: number[] = [];
    monitor.addEventListener('ap-evidence', (e) => evidence.push(e.detail));
    monitor.addEventListener('ap-error', (e) => errors.push(e.detail.code));
    await monitor.setup({
      track: 'auxiliaryDevice',
      secondCamera: el.secondCamera,
      tuning: { secondCameraLossMs: 300 },
      outboxName: `aux-${Date.now()}`,
    });
    await monitor.start();
    await sleep(500);
    expect(errors).to.deep.equal([]);
    cam.remove(); // the phone page closes: "bye"
    await until(() => errors.length === 1, 5000, 'the loss');
    expect(errors).to.deep.equal([ErrorCode.DEVICE_LOST]);
    await sleep(800);
    cam = phone(code); // the phone page is opened again with the same code
    // announced when confirmed (no end), then completed under the same id when the phone is back
    const ended = () => evidence.find((r) => r.type === 'second_camera_lost' && r.endedAt !== undefined);
    await until(() => !!ended(), 15000, 'the violation to end');
    const lost = ended()!;
    expect(evidence.filter((r) => r.type === 'second_camera_lost').every((r) => r.id === lost.id)).to.equal(true);
    expect(lost.code).to.equal(5104);
    expect(lost.durationMs).to.be.within(500, 15000);
    expect(el.secondCamera!.state).to.equal('connected');
    await monitor.stop();
    monitor.remove();
    cam.remove();
    el.remove();
  });

  it("routine photos are taken from the phone's camera too", async () => {
    const { el, code } = await checkWithPairing();
    const cam = phone(code);
    await oneEvent(el, 'ap-checks-complete');
    const monitor = document.createElement('ap-monitor');
    Object.assign(monitor, { clientId: 'c', testAttemptId: `aux-photo-${Date.now()}`, hashedTestAttemptId: 'h' });
    document.body.append(monitor);
    const photos: EvidenceRecord[] = [];
    monitor.addEventListener('ap-evidence', (e) => e.detail.type === 'random_photo' && photos.push(e.detail));
    await monitor.setup({
      track: 'auxiliaryDevice,photosAtRandom',
      secondCamera: el.secondCamera,
      tuning: { examDurationMs: 400 },
      outboxName: `aux-photo-${Date.now()}`,
    });
    await monitor.start();
    await until(
      () => photos.some((p) => p.data?.camera === 'second') && photos.some((p) => !p.data),
      8000,
      'a photo from each camera',
    );
    const second = photos.find((p) => p.data?.camera === 'second')!;
    const main = photos.find((p) => !p.data)!;
    expect(second.photo).to.match(/^data:image\/jpeg;base64,/);
    expect(main.photo).to.match(/^data:image\/jpeg;base64,/);
    expect(second.photo).to.not.equal(main.photo);
    await monitor.stop();
    monitor.remove();
    cam.remove();
    el.remove();
  });

  for (const end of ['stop', 'destroy'] as const)
    it(`${end}() ends the phone: its camera stops, it says the exam no longer uses it, and no preview stays`, async () => {
      const { el, code } = await checkWithPairing();
      const cam = phone(code);
      await oneEvent(el, 'ap-checks-complete');
      const monitor = document.createElement('ap-monitor');
      Object.assign(monitor, { clientId: 'c', testAttemptId: `end-${end}-${Date.now()}`, hashedTestAttemptId: 'h' });
      document.body.append(monitor);
      await monitor.setup({ track: 'auxiliaryDevice', secondCamera: el.secondCamera, outboxName: `end-${Date.now()}` });
      await monitor.start();
      await el.updateComplete;
      expect(el.locked).to.equal(true);
      expect(el.shadowRoot!.querySelector<HTMLVideoElement>('[part="phone-preview"]')!.hidden).to.equal(true);
      const phoneStream = cam.cameraStream!;
      const status = () => cam.shadowRoot!.querySelector('[part="status"]')!.textContent.trim();
      expect(status()).to.equal('Connected: the exam sees this camera.');
      if (end === 'stop') await monitor.stop();
      else await monitor.destroy();
      await until(() => status().startsWith('The exam no longer uses this camera'), 10000, 'the phone to hear it');
      expect(phoneStream.getVideoTracks()[0].readyState).to.equal('ended');
      expect(cam.shadowRoot!.querySelector<HTMLVideoElement>('[part="preview"]')!.hidden).to.equal(true);
      expect(cam.shadowRoot!.querySelector('[part="stop"]')).to.equal(null);
      await expect(cam).to.be.accessible();
      await el.updateComplete;
      expect(el.secondCamera).to.equal(undefined);
      expect(el.shadowRoot!.querySelector<HTMLVideoElement>('[part="phone-preview"]')!.hidden).to.equal(true);
      monitor.remove();
      cam.remove();
      el.remove();
    });

  it('setup refuses auxiliaryDevice without a paired phone (4107)', async () => {
    const monitor = document.createElement('ap-monitor');
    Object.assign(monitor, { clientId: 'c', testAttemptId: 'no-phone', hashedTestAttemptId: 'h' });
    document.body.append(monitor);
    const error = await monitor.setup({ track: 'auxiliaryDevice' }).then(
      () => undefined,
      (e: Error & { code?: number }) => e,
    );
    expect(error?.code).to.equal(ErrorCode.INVALID_OPTION);
    expect(error?.message).to.contain('secondCamera');
    monitor.remove();
  });
});

describeExcept(NO_WEBRTC, 'mobile check through the reference server (HTTP signalling)', function () {
  this.timeout(60000);
  it('pairs through the server and succeeds', async () => {
    const { endpoint } = await executeServerCommand<{ endpoint: string }, undefined>('results-server');
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check
        checks="mobile"
        pairing-url="/phone.html?code={code}"
        signalling-url=${endpoint}
      ></ap-requirements-check>`,
    );
    void el.run();
    await until(() => !!el.shadowRoot!.querySelector('a[part="pairing-link"]'), 5000, 'the pairing link');
    const href = el.shadowRoot!.querySelector<HTMLAnchorElement>('a[part="pairing-link"]')!.href;
    const code = new URL(href).searchParams.get('code')!;
    const cam = phone(code, { signallingUrl: endpoint });
    const done = await oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
    expect(done.detail.results[0].status).to.equal('succeeded');
    cam.remove();
    el.remove();
  });
});

describeExcept(
  { chromium: 'it has WebRTC (tested above)', firefox: 'it has WebRTC (tested above)' },
  'the mobile check without WebRTC',
  () => {
    it('fails at once with 4001 (INCOMPATIBLE_BROWSER) and says what is missing', async () => {
      const { result } = await runMobileCheck({ pairingUrl: new URL('/phone.html', location.href).href });
      expect(result).to.include({ status: 'failed', code: ErrorCode.INCOMPATIBLE_BROWSER });
      expect(result.message).to.equal('This browser has no WebRTC (RTCPeerConnection).');
    });
  },
);
