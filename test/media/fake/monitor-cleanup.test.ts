import { expect } from '@open-wc/testing';
import { ErrorCode } from '../../../src/index.js';
import { monitor, sleep } from '../../helpers/monitor.js';
import { engine } from '../../helpers/engine.js';

/** navigator.mediaDevices, remembering every stream it hands out. */
function recordingDevices() {
  const md = navigator.mediaDevices;
  const streams: MediaStream[] = [];
  const devices = {
    getUserMedia: async (c?: MediaStreamConstraints) => {
      const s = await md.getUserMedia(c);
      streams.push(s);
      return s;
    },
    getDisplayMedia: (c?: DisplayMediaStreamOptions) => md.getDisplayMedia(c),
    enumerateDevices: () => md.enumerateDevices(),
    addEventListener: md.addEventListener.bind(md),
    removeEventListener: md.removeEventListener.bind(md),
  } as unknown as MediaDevices;
  return { devices, live: () => streams.flatMap((s) => s.getTracks()).filter((t) => t.readyState === 'live') };
}

describe('<ap-monitor> destroyed while it is starting', function () {
  this.timeout(60000);

  // after 0 ms the monitor is opening its outbox; later, asking for the camera and microphone, then
  // starting audio (the AudioContext) and the trackers: every step must notice the destroy
  for (const afterMs of [0, 30, 150, 400])
    it(`destroy() ${afterMs} ms into start(): start() rejects with 4110, nothing runs afterwards, every track stops`, async () => {
      const thrown: string[] = [];
      const onError = (e: ErrorEvent) => thrown.push(e.message);
      const onRejection = (e: PromiseRejectionEvent) => thrown.push(String(e.reason));
      addEventListener('error', onError);
      addEventListener('unhandledrejection', onRejection);
      try {
        const { devices, live } = recordingDevices();
        // numHumans where face detection can run (WebKitGTK here has no usable WebGL: setup would reject)
        const track = engine === 'webkit' ? 'audio,tabSwitch' : 'audio,numHumans,tabSwitch';
        const h = await monitor({ track, mediaDevices: devices, start: false });
        // the page hears nothing of the element after its ap-instance-destroyed (new-user round, issue 16)
        let destroyed = false;
        const afterDestroyed: number[] = [];
        h.el.addEventListener('ap-instance-destroyed', () => (destroyed = true));
        h.el.addEventListener('ap-error', (e) => destroyed && afterDestroyed.push(e.detail.code));
        const started = h.el.start().then(
          () => 'started',
          (e: { code?: number }) => e.code,
        );
        await sleep(afterMs);
        await h.el.destroy();
        const outcome = await started;
        // "started" only when start() had finished before destroy(); otherwise 4110
        expect([ErrorCode.INVALID_STATE, 'started']).to.include(outcome);
        await sleep(1500); // the audio tracker samples every 100 ms: anything left running would throw
        expect(thrown).to.deep.equal([]);
        expect(afterDestroyed, 'ap-error after ap-instance-destroyed').to.deep.equal([]);
        expect(h.el.state).to.equal('destroyed');
        expect(live().map((t) => t.kind)).to.deep.equal([]);
      } finally {
        removeEventListener('error', onError);
        removeEventListener('unhandledrejection', onRejection);
      }
    });
});
