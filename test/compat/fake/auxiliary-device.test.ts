import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../../src/define.js';
import { AutoProctor, type ApMobileCamera } from '../../../src/index.js';
import { DIST_ASSETS } from '../../helpers/media.js';
import { credentials } from '../helpers.js';
import { itExcept } from '../../helpers/engine.js';

const until = async (test: () => unknown, what: string, ms = 20000) => {
  const end = performance.now() + ms;
  while (!test()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

describe('AutoProctor auxiliaryDevice without a phone object', function () {
  this.timeout(60000);

  itExcept(
    { webkit: "the phone pairs over WebRTC, which Debian's WebKitGTK is built without" },
    'shows the QR pairing in auxDeviceTestContainerId during setup() and monitors with the phone',
    async () => {
      const aux = document.createElement('div');
      aux.id = 'aux-pairing';
      document.body.append(aux);
      const seen: string[] = [];
      const names = ['apSetupCompleted', 'apMonitoringStarted', 'apErrorEvent'];
      const listener = (e: Event) => seen.push(e.type);
      names.forEach((n) => addEventListener(n, listener));
      let cam: ApMobileCamera | undefined;
      // the phone is another device: the results server carries the pairing
      const creds = await executeServerCommand<
        { endpoint: string; clientId: string; testAttemptId: string; hashedTestAttemptId: string },
        undefined
      >('results-server');
      try {
        const ap = new AutoProctor(creds);
        const setup = ap.setup({
          trackingOptions: {
            auxiliaryDevice: true,
            numHumans: false,
            audio: false,
            photosAtRandom: false,
            captureSwitchedTab: false,
            showCamPreview: false,
          },
          auxDevicePath: '/phone.html',
          auxDeviceTestContainerId: 'aux-pairing',
          assetBase: DIST_ASSETS,
        });
        const check = () => aux.querySelector('ap-requirements-check');
        await until(
          () => check()?.shadowRoot?.querySelector('a[part="pairing-link"]'),
          'the pairing link in the container',
        );
        const link = check()!.shadowRoot!.querySelector<HTMLAnchorElement>('a[part="pairing-link"]')!;
        expect(new URL(link.href).pathname).to.equal('/phone.html');
        await until(() => check()!.shadowRoot!.querySelector('svg[part="qr"]'), 'the QR code'); // its encoder loads lazily
        // the candidate opens the link on the phone (here: the phone page's element in this page)
        cam = document.createElement('ap-mobile-camera');
        cam.pairingCode = new URL(link.href).searchParams.get('code')!;
        cam.signallingUrl = creds.endpoint;
        document.body.append(cam);
        await setup;
        expect(aux.querySelector('ap-requirements-check')).to.equal(null); // the pairing UI is gone
        await ap.start();
        await new Promise((r) => setTimeout(r, 0));
        expect(seen).to.deep.equal(['apSetupCompleted', 'apMonitoringStarted']);
        expect(cam.state).to.equal('connected');
        await ap.stop();
        await ap.destroy();
      } finally {
        cam?.remove();
        aux.remove();
        names.forEach((n) => removeEventListener(n, listener));
      }
    },
  );

  for (const mount of ['at the origin root', 'behind a reverse proxy under /proctor/'] as const) {
    itExcept(
      { webkit: "the phone pairs over WebRTC, which Debian's WebKitGTK is built without" },
      `without auxDevicePath: the results server's own phone page (as AutoProctor's SDK defaults to its hosted page), paired through it, ${mount}`,
      async () => {
        const creds = await executeServerCommand<
          { endpoint: string; clientId: string; testAttemptId: string; hashedTestAttemptId: string },
          undefined
        >('results-server');
        if (mount !== 'at the origin root') {
          // integrators mount the server under a path: the phone page's script, the library and the
          // pairing must all be found under it (they were asked for at the origin's root: issue 13 F4)
          creds.endpoint = (await executeServerCommand<{ endpoint: string }, undefined>('results-prefixed')).endpoint;
          expect(new URL(creds.endpoint).pathname).to.equal('/proctor/');
        }
        const seen: string[] = [];
        const listener = (e: Event) => seen.push(e.type);
        const names = ['apSetupCompleted', 'apErrorEvent'];
        names.forEach((n) => addEventListener(n, listener));
        try {
          const ap = new AutoProctor(creds); // endpoint in the constructor
          const setup = ap.setup({
            trackingOptions: {
              auxiliaryDevice: true,
              numHumans: false,
              audio: false,
              photosAtRandom: false,
              captureSwitchedTab: false,
              showCamPreview: false,
            },
            assetBase: DIST_ASSETS,
          });
          const check = () => document.body.querySelector('ap-requirements-check');
          await until(
            () => check()?.shadowRoot?.querySelector('a[part="pairing-link"]'),
            'the pairing link in the test container',
          );
          const link = new URL(check()!.shadowRoot!.querySelector<HTMLAnchorElement>('a[part="pairing-link"]')!.href);
          expect(`${link.origin}${link.pathname}`).to.equal(new URL('demo/phone.html', creds.endpoint).href);
          // the candidate opens the link on the phone: the server's own phone page (here in a tab of its own)
          await executeServerCommand('exam-tab', { url: link.href });
          await setup;
          await new Promise((r) => setTimeout(r, 0)); // the events follow the promise
          expect(seen).to.deep.equal(['apSetupCompleted']);
          expect(document.body.querySelector('ap-requirements-check')).to.equal(null); // the pairing UI is gone
          await ap.destroy();
        } finally {
          await executeServerCommand('exam-tab-close');
          names.forEach((n) => removeEventListener(n, listener));
        }
      },
    );
  }

  it('auxDevicePath without endpoint (no server to carry the pairing to another device): 4107 naming endpoint, no QR that can never pair', async () => {
    const aux = document.createElement('div');
    aux.id = 'aux-no-endpoint';
    document.body.append(aux);
    try {
      const ap = new AutoProctor(credentials('aux-path-only'));
      const error = await ap
        .setup({
          trackingOptions: { auxiliaryDevice: true },
          auxDevicePath: 'https://exam.example.org/phone/index.html',
          auxDeviceContainerId: 'aux-no-endpoint',
        })
        .then(
          () => undefined,
          (e: { code: number; errorCode: number; message: string }) => e,
        );
      expect(error).to.include({ code: 4107, errorCode: 4107 });
      expect(error!.message).to.contain('auxiliaryDevice needs endpoint');
      expect(document.querySelector('ap-requirements-check')).to.equal(null);
      await ap.destroy();
    } finally {
      aux.remove();
    }
  });

  it('without auxDevicePath and without endpoint (no server to host the phone page or carry the pairing): 4107 naming both', async () => {
    const ap = new AutoProctor(credentials('aux-missing'));
    const error = await ap.setup({ trackingOptions: { auxiliaryDevice: true } }).then(
      () => undefined,
      (e: { code: number; message: string }) => e,
    );
    expect(error?.code).to.equal(4107);
    expect(error?.message).to.contain('auxDevicePath');
    expect(error?.message).to.contain('endpoint');
  });
});
