import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { openPage } from './helpers.js';
import { itExcept } from '../helpers/engine.js';
import { ASSET_PATHS } from '../../src/detection/assets.js';
import { Outbox } from '../../src/index.js';

// dist/cdn/autoproctor.js: a classic script, one file, every tag, window.AutoProctor, apLibReady.
describe('classic-script CDN build (dist/cdn/autoproctor.js)', () => {
  const url = new URL('/dist/cdn/autoproctor.js', location.href).href;

  itExcept(
    {
      webkit:
        "the budget is measured in Chromium and Firefox: WebKit's CompressionStream compresses the same file a little less tightly",
    },
    'is one classic script of at most 60 KB gzip, with no module syntax',
    async () => {
      const source = await (await fetch(url)).text();
      expect(source).not.to.match(/\bimport\.meta\b/);
      expect(source).not.to.match(/(^|[;}])\s*(import|export)\s*[{*\w]/m);
      // eslint-disable-next-line @typescript-eslint/no-implied-eval -- only parsed, never called: it must parse as a classic script
      expect(() => new Function(source)).not.to.throw();
      const gzipped = await new Response(
        new Blob([source]).stream().pipeThrough(new CompressionStream('gzip')),
      ).arrayBuffer();
      // issue 13's budget; `<ap-report>` and the QR encoder are lazy parts in the asset base
      expect(gzipped.byteLength, `gzip size ${gzipped.byteLength}`).to.be.at.most(60 * 1024);
      expect(source).not.to.contain('--ap-report-photo-width'); // the report's styles are in its part
      expect(source).not.to.contain('Nothing was recorded'); // and its English
    },
  );

  it('defines every tag (<ap-report>, <ap-mobile-camera> and <ap-requirements-check> when first needed), sets window.AutoProctor and the whole API, then fires apLibReady', async () => {
    const frame = document.createElement('iframe');
    frame.srcdoc = `<!doctype html><script>
        addEventListener('apLibReady', (e) => { window.readyDetail = e.detail; window.typeAtReady = typeof window.AutoProctor; });
      </script><script src="${url}"></script>`;
    document.body.append(frame);
    try {
      const win = () => frame.contentWindow as (Window & Record<string, unknown>) | null;
      const end = performance.now() + 10000;
      while (!win()?.readyDetail && performance.now() < end) await new Promise((r) => setTimeout(r, 50));
      const w = win()!;
      expect(w.typeAtReady).to.equal('function');
      expect((w.readyDetail as { assetBase: string }).assetBase).to.equal(new URL('/dist/assets/', location.href).href);
      for (const tag of ['ap-status-badge', 'ap-monitor']) expect(w.customElements.get(tag), tag).to.be.a('function');
      const root = (await import('../../src/index.js')) as Record<string, unknown>;
      const api = w.ProctorElements as typeof root;
      expect(Object.keys(api).sort()).to.deep.equal(Object.keys(root).sort());
      expect(w.AutoProctor).to.equal(api.AutoProctor);
      // the phone side of the pairing comes with <ap-mobile-camera>'s part (a phone page's API)
      const phoneSide = ['SecondCameraSender', 'openPhoneCamera', 'openPhoneSender'];
      for (const name of phoneSide) expect(api[name], name).to.equal(undefined);
      // the check services' classes come with <ap-requirements-check>'s part
      const checkClasses = ['RequirementsRunner', 'SpeakerCheck'];
      for (const name of checkClasses) expect(api[name], name).to.equal(undefined);
      // the lazy parts (no such tag in this page's markup): nothing of each until its loader is called
      for (const [tag, name, loader] of [
        ['ap-report', 'ApReport', 'loadReportElement'],
        ['ap-mobile-camera', 'ApMobileCamera', 'loadMobileCameraElement'],
        ['ap-requirements-check', 'ApRequirementsCheck', 'loadRequirementsCheckElement'],
      ]) {
        expect(w.customElements.get(tag), tag).to.equal(undefined);
        expect(api[name], name).to.equal(undefined);
        const loaded = await (api[loader] as () => Promise<CustomElementConstructor>)();
        expect(loaded, loader).to.be.a('function');
        expect(w.customElements.get(tag), tag).to.equal(loaded);
        expect(api[name], name).to.equal(loaded);
      }
      for (const name of [...phoneSide, ...checkClasses]) expect(api[name], name).to.be.a('function');
      // and it works: a bad pairing code is the typed error, before any camera is asked for
      const refused = await (api.openPhoneSender as (o: { code: string }) => Promise<unknown>)({
        code: 'not a code',
      }).catch((e: { code?: number }) => e);
      expect(refused).to.include({ code: 4107 });
    } finally {
      frame.remove();
    }
  });

  /** A page with only the classic script, once it has announced itself: its window and API. */
  const classicPage = async () => {
    const frame = document.createElement('iframe');
    frame.srcdoc = `<!doctype html><script src="${url}"></script>`;
    document.body.append(frame);
    const win = () => frame.contentWindow as (Window & Record<string, unknown>) | null;
    const end = performance.now() + 10000;
    while (!win()?.apLibLoaded && performance.now() < end) await new Promise((r) => setTimeout(r, 50));
    const api = win()!.ProctorElements as Record<string, unknown> & { setAssetBase(base: string): void };
    return { win: win()!, api, close: () => frame.remove() };
  };

  it('runs a check service called before its part is loaded (it loads the part), and says which option is wrong', async () => {
    // the check services live in <ap-requirements-check>'s part: ProctorElements.runWebcamCheck() is
    // there from the start and loads it on its first call; a wrong option is the check's 4107
    const { win, api, close } = await classicPage();
    try {
      expect(api.RequirementsRunner).to.equal(undefined);
      type Run = (options: object) => Promise<{ result: { status: string; code?: number; message: string } }>;
      const { result } = await (api.runWebcamCheck as Run)({ durationMs: -5 });
      expect(result).to.include({ status: 'failed', code: 4107 });
      expect(result.message).to.equal(
        'runWebcamCheck options.durationMs must be a duration in ms above 0, at most 600000, got -5.',
      );
      expect(api.RequirementsRunner).to.be.a('function');
      expect(win.customElements.get('ap-requirements-check')).to.be.a('function');
      const loads = win.performance
        .getEntriesByType('resource')
        .filter((e) => e.name.includes('checks/ap-requirements-check.mjs'));
      expect(loads, 'the part, once').to.have.length(1);
      // the classes work: a setting of the wrong kind is the same error, named as a setting
      const Runner = api.RequirementsRunner as new (options: object) => unknown;
      let thrown: { code?: number; message?: string } = {};
      try {
        new Runner({ settings: { webcam: { minConfidence: 2 } } });
      } catch (error) {
        thrown = error as typeof thrown;
      }
      expect(thrown).to.include({
        code: 4107,
        message: 'settings.webcam.minConfidence must be a number from 0 to 1, got 2.',
      });
    } finally {
      close();
    }
  });

  it('a check service whose part cannot be fetched rejects with 4100 naming the asset base', async () => {
    const { api, close } = await classicPage();
    try {
      const wrong = `${location.origin}/__no-such-assets/`;
      api.setAssetBase(wrong);
      const error = await (api.runMicrophoneCheck as (o: object) => Promise<unknown>)({}).then(
        () => ({}),
        (e: { code?: number; message?: string }) => e,
      );
      expect(error).to.include({ code: 4100 });
      expect((error as { message: string }).message).to.contain(`could not be loaded from the asset base ${wrong}`);
      expect(api.RequirementsRunner).to.equal(undefined);
    } finally {
      close();
    }
  });

  it('fires apLibReady for a listener added in a `load` handler while a slow image held the load back', async () => {
    // the WordPress-plugin style: the script in <head>, the listener added once the page has loaded
    const frame = document.createElement('iframe');
    frame.srcdoc = `<!doctype html><script src="${url}"></script>
      <script>addEventListener('load', () => addEventListener('apLibReady', () => (window.heard = true)));</script>
      <img alt="" src="${location.origin}/__assets/slow-model/${ASSET_PATHS.model}">`;
    document.body.append(frame);
    try {
      const win = () => frame.contentWindow as (Window & Record<string, unknown>) | null;
      const end = performance.now() + 15000;
      while (!win()?.heard && performance.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(win()!.heard, "the load handler's listener heard apLibReady").to.equal(true);
      expect(win()!.apLibLoaded).to.equal(true);
    } finally {
      frame.remove();
    }
  });

  /**
   * The mobile check in a page at another path than the script (`<base>` under test/compat/pages/):
   * answers the URL the QR encoder was fetched from. `assetBase`, when given, is set by the page
   * (`ProctorElements.setAssetBase`, in a script after ours) before the element is parsed.
   */
  const qrInPage = async (assetBase?: string): Promise<string[]> => {
    const frame = document.createElement('iframe');
    frame.srcdoc = `<!doctype html><base href="${location.origin}/test/compat/pages/"><script>
        addEventListener('apLibReady', () =>
          document.querySelector('ap-requirements-check').run().catch((e) => (window.runError = String(e))));
      </script><script src="${url}"></script>
      ${assetBase ? `<script>ProctorElements.setAssetBase(${JSON.stringify(assetBase)});</script>` : ''}
      <ap-requirements-check checks="mobile" pairing-url="${location.origin}/phone.html"></ap-requirements-check>`;
    document.body.append(frame);
    try {
      const win = () => frame.contentWindow as (Window & typeof globalThis) | null;
      const fetched = () =>
        (win()?.performance.getEntriesByType('resource') ?? []).map((e) => e.name).filter((n) => n.includes('qrcode'));
      const qr = () =>
        frame.contentDocument?.querySelector('ap-requirements-check')?.shadowRoot?.querySelector('svg[part="qr"]');
      // the QR code is drawn where the browser has WebRTC (Debian's WebKitGTK has none: the mobile
      // check fails with 4001 there, after the encoder was loaded)
      const drawn = () => (typeof win()?.RTCPeerConnection === 'function' ? !!qr() : fetched().length > 0);
      const end = performance.now() + 15000;
      while (!drawn() && performance.now() < end) await new Promise((r) => setTimeout(r, 50));
      if (typeof win()!.RTCPeerConnection === 'function') {
        expect(qr()?.getAttribute('role')).to.equal('img');
        expect(qr()!.querySelector('path')!.getAttribute('d')!.length).to.be.above(500);
      }
      return fetched();
    } finally {
      frame.remove();
    }
  };

  it("draws the mobile check's QR code with the encoder it loads lazily from its own assets, not the page's path", async () => {
    expect(await qrInPage()).to.deep.equal([`${new URL('/dist/assets/vendor/qrcode.mjs', location.href).href}?1`]);
  });

  it('loads the QR encoder from the asset base the page set', async () => {
    // a test host that serves dist/assets/ under another path (web-test-runner.config.mjs)
    const base = new URL('/__assets/slow-model/', location.href).href;
    expect(await qrInPage(base)).to.deep.equal([`${base}vendor/qrcode.mjs?1`]);
  });

  /**
   * A plain page with the classic script (and, with `module`, the module CDN build first), where the
   * page sets `assetBase` and a German report heading, then `show()` calls `ap.showReport()` un-awaited
   * into #report-here and keeps its outcome, the last `apErrorEvent` and any unhandled rejection.
   */
  const reportPage = async (options: { assetBase?: string; module?: boolean } = {}) => {
    // an attempt this device started (its outbox holds it, unscored): a page with nothing at all for
    // the attempt and no results server gets 4118 instead (cross-device-report.test.ts)
    const outbox = await Outbox.open();
    await outbox.add({ attemptId: 'lazy-report-1', clientId: 'acme', startedAt: Date.now(), seq: 0 }, []);
    outbox.close();
    const frame = document.createElement('iframe');
    frame.srcdoc = `<!doctype html><base href="${location.origin}/test/compat/pages/"><script>
        window.__rejections = [];
        addEventListener('unhandledrejection', (e) => __rejections.push(String(e.reason)));
        addEventListener('error', (e) => __rejections.push('error: ' + e.message));
        addEventListener('apErrorEvent', (e) => (window.apError = e.detail));
      </script>
      ${options.module ? `<script type="module">import * as m from '${location.origin}/dist/cdn/proctor-elements.js'; window.moduleBuild = m;</script>` : ''}
      <script src="${url}"></script>
      <script>
        ${options.assetBase ? `ProctorElements.setAssetBase(${JSON.stringify(options.assetBase)});` : ''}
        ProctorElements.setMessages({ report: { heading: 'Prüfungsbericht' } });
        window.ap = new AutoProctor({ clientId: 'acme', testAttemptId: 'lazy-report-1', hashedTestAttemptId: 'aGFzaA==' });
        window.show = () => {
          window.shown = window.failed = window.apError = undefined;
          ap.showReport({ containerId: 'report-here' }).then(
            (element) => (window.shown = element),
            (e) => (window.failed = { code: e.code, errorCode: e.errorCode, errorMessage: e.errorMessage }),
          );
          // un-awaited, as AutoProctor's docs call it
          ap.showReport({ containerId: 'report-here' });
        };
      </script>
      <div id="report-here"></div>`;
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    await loaded;
    type Win = Window &
      typeof globalThis & {
        __rejections: string[];
        show(): void;
        shown?: HTMLElement;
        failed?: { code: number; errorCode: number; errorMessage: string };
        apError?: { code: number; errorCode: number; errorMessage: string };
        moduleBuild?: Record<string, unknown>;
        ProctorElements: Record<string, unknown> & { setAssetBase(base: string): void };
      };
    const win = frame.contentWindow as Win;
    const until = async (test: () => unknown, what: string) => {
      const end = performance.now() + 15000;
      while (!test()) {
        if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    if (options.module) await until(() => win.moduleBuild, 'the module build');
    return {
      win,
      until,
      /** Every request for the report's part, in order. */
      fetched: () =>
        win.performance
          .getEntriesByType('resource')
          .map((e) => e.name)
          .filter((n) => n.includes('ap-report')),
      text: () =>
        win.document.querySelector('#report-here ap-report')?.shadowRoot?.textContent?.replace(/\s+/g, ' ') ?? '',
      close: () => frame.remove(),
    };
  };

  it('showReport() loads <ap-report> from the asset base the page set, once, and renders the report', async () => {
    const base = new URL('/__assets/slow-model/', location.href).href;
    const page = await reportPage({ assetBase: base });
    try {
      expect(page.fetched()).to.deep.equal([]);
      page.win.show();
      await page.until(() => page.win.shown && page.text().includes('Trust Score'), 'the report');
      const text = page.text();
      // the page's messages reach the lazily loaded element: one locale table on the page
      expect(text).to.contain('Prüfungsbericht');
      expect(text).to.contain('lazy-report-1');
      expect(text).to.contain('Not scored yet');
      expect(page.win.document.querySelectorAll('#report-here ap-report')).to.have.length(1);
      // fetched from the asset base only, once for both calls
      expect(page.fetched()).to.deep.equal([`${base}report/ap-report.mjs?1`]);
      // one class: the tag's, the API's, the element's
      const ApReport = page.win.customElements.get('ap-report')!;
      expect(page.win.shown).to.be.instanceOf(ApReport);
      expect(page.win.ProctorElements.ApReport).to.equal(ApReport);
      expect(await (page.win.ProctorElements.loadReportElement as () => Promise<unknown>)()).to.equal(ApReport);
      expect(page.win.failed).to.equal(undefined);
      expect(page.win.apError).to.equal(undefined);
      expect(page.win.__rejections).to.deep.equal([]);
    } finally {
      page.close();
    }
  });

  it('showReport() with an asset base that lacks the report: 4100 (errorCode 4018) naming the base, no blank report, and a retry works', async () => {
    const wrong = `${location.origin}/__no-such-assets/`;
    const page = await reportPage({ assetBase: wrong });
    try {
      page.win.show();
      await page.until(() => page.win.failed && page.win.apError, 'the failure');
      for (const error of [page.win.failed!, page.win.apError!]) {
        expect(error.code).to.equal(4100);
        expect(error.errorCode).to.equal(4018);
        expect(error.errorMessage).to.contain(`could not be loaded from the asset base ${wrong}`);
      }
      expect(page.win.document.querySelector('ap-report')).to.equal(null);
      expect(page.win.customElements.get('ap-report')).to.equal(undefined);
      // the un-awaited call: apErrorEvent, no unhandled rejection
      await new Promise((r) => setTimeout(r, 300));
      expect(page.win.__rejections).to.deep.equal([]);
      expect(page.fetched().every((u) => u.startsWith(wrong))).to.equal(true);
      // the base corrected: the next call loads it
      const base = new URL('/dist/assets/', location.href).href;
      page.win.ProctorElements.setAssetBase(base);
      page.win.show();
      await page.until(() => page.win.shown && page.text().includes('Trust Score'), 'the report after the retry');
      expect(page.fetched().at(-1)).to.match(new RegExp(`^${base}report/ap-report\\.mjs\\?\\d+$`));
      expect(page.win.__rejections).to.deep.equal([]);
    } finally {
      page.close();
    }
  });

  it('a retry at the same asset base, once it is reachable again, loads the report (a failed module import is kept per URL)', async () => {
    // found by a new user in Firefox: the retry rejected again without a request, as HTML's module
    // map keeps a failed import for its URL; each load now asks for a URL of its own
    const { endpoint, testAttemptId } = await executeServerCommand<
      { endpoint: string; testAttemptId: string },
      undefined
    >('results-server');
    const link = (state: string) =>
      executeServerCommand<{ endpoint: string }, { key: string; state: string }>('results-link', {
        key: `assets-${testAttemptId}`,
        state,
      });
    const { endpoint: linked } = await link('down');
    expect(linked).to.not.equal(endpoint);
    const base = `${linked}dist/assets/`;
    const page = await reportPage({ assetBase: base });
    try {
      page.win.show();
      await page.until(() => page.win.failed && page.win.apError, 'the failure');
      expect(page.win.failed!.code).to.equal(4100);
      await link('up');
      page.win.show();
      await page.until(() => page.win.shown && page.text().includes('Trust Score'), 'the report after the retry');
      expect(page.win.__rejections).to.deep.equal([]);
    } finally {
      page.close();
      await link('up');
    }
  });

  it("with the module build on the page too: one <ap-report> class (the module build's), nothing fetched, no double definition", async () => {
    const page = await reportPage({ module: true });
    try {
      const ApReport = page.win.moduleBuild!.ApReport;
      expect(page.win.customElements.get('ap-report')).to.equal(ApReport);
      expect(page.win.ProctorElements.ApReport).to.equal(ApReport);
      page.win.show();
      await page.until(() => page.win.shown && page.text().includes('Trust Score'), 'the report');
      expect(page.win.shown).to.be.instanceOf(ApReport);
      expect(page.fetched()).to.deep.equal([]);
      expect(page.win.__rejections).to.deep.equal([]);
    } finally {
      page.close();
    }
  });

  it("upgrades an <ap-report> written in the page's markup (loaded once the page has loaded); an attempt this device does not hold is 4118, not an empty report", async () => {
    const frame = document.createElement('iframe');
    frame.srcdoc = `<!doctype html><script src="${url}"></script>
      <ap-report test-attempt-id="lazy-markup-1"></ap-report>`;
    document.body.append(frame);
    try {
      const text = () => frame.contentDocument?.querySelector('ap-report')?.shadowRoot?.textContent ?? '';
      const end = performance.now() + 15000;
      while (!text().includes('lazy-markup-1') && performance.now() < end) await new Promise((r) => setTimeout(r, 50));
      expect(text()).to.contain('Proctoring report');
      expect(text()).to.contain('lazy-markup-1');
      const report = frame.contentDocument!.querySelector('ap-report') as HTMLElement & { error?: { code: number } };
      expect(report.error?.code).to.equal(4118);
      expect(report.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('4118');
      expect(text()).to.not.contain('Nothing was recorded');
    } finally {
      frame.remove();
    }
  });

  /**
   * A phone page at another path than the script (`<base>` under test/compat/pages/) with the classic
   * script, the page's German phone heading and `body` in its markup; `assetBase`, when given, is set
   * by the page before the body is parsed. Records each `ap-error` the page hears.
   */
  const phonePage = async (body: string, assetBase?: string) => {
    const frame = document.createElement('iframe');
    frame.srcdoc = `<!doctype html><base href="${location.origin}/test/compat/pages/"><script>
        window.errors = [];
        addEventListener('ap-error', (e) => errors.push({ tag: e.target.localName, ...e.detail }));
        addEventListener('apLibLoadingFailed', (e) => (window.failed = e.detail.statusDetails));
      </script><script src="${url}"></script>
      <script>
        ${assetBase ? `ProctorElements.setAssetBase(${JSON.stringify(assetBase)});` : ''}
        ProctorElements.setMessages({ phoneHeading: 'Zweite Kamera' });
      </script>
      ${body}`;
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
    document.body.append(frame);
    await loaded;
    const win = frame.contentWindow as Window &
      typeof globalThis & {
        errors: { tag: string; code: number; message: string }[];
        apLibLoaded?: boolean;
        failed?: { errorCode: number; errorMessage: string };
        ProctorElements: Record<string, unknown> & { setAssetBase(base: string): void };
      };
    const until = async (test: () => unknown, what: string) => {
      const end = performance.now() + 15000;
      while (!test()) {
        if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    return {
      win,
      until,
      /** Every request for the phone element's part, in order. */
      fetched: () =>
        win.performance
          .getEntriesByType('resource')
          .map((e) => e.name)
          .filter((n) => n.includes('ap-mobile-camera')),
      close: () => frame.remove(),
    };
  };

  it('upgrades an <ap-mobile-camera> that a script adds to the phone page after it has loaded, with the part it loads once from its own assets', async () => {
    const page = await phonePage('<main></main>');
    try {
      const doc = page.win.document;
      await page.until(() => page.win.apLibLoaded, 'apLibReady');
      // nothing of it before the page has one
      expect(page.fetched()).to.deep.equal([]);
      expect(page.win.ProctorElements.ApMobileCamera).to.equal(undefined);
      // an invalid pairing code: the element's own error, shown before it asks for any camera
      const camera = doc.createElement('ap-mobile-camera');
      camera.setAttribute('pairing-code', 'not a code');
      doc.querySelector('main')!.append(camera);
      await page.until(() => page.win.errors.length, "the element's ap-error");
      expect(page.win.customElements.get('ap-mobile-camera')).to.equal(page.win.ProctorElements.ApMobileCamera);
      expect(camera).to.be.instanceOf(page.win.ProctorElements.ApMobileCamera);
      expect(page.win.errors).to.have.length(1);
      expect(page.win.errors[0].tag).to.equal('ap-mobile-camera');
      expect(page.win.errors[0].code).to.equal(4107);
      // its heading from the page's messages (one locale table on the page), its error as an alert
      expect(camera.shadowRoot!.querySelector('h2')!.textContent).to.equal('Zweite Kamera');
      expect(camera.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.equal(page.win.errors[0].message);
      // another one: the same class, nothing fetched again
      doc.body.append(doc.createElement('ap-mobile-camera'));
      await page.until(() => page.win.errors.length === 2, "the second element's ap-error");
      expect(page.fetched()).to.deep.equal([
        `${new URL('/dist/assets/phone/ap-mobile-camera.mjs', location.href).href}?1`,
      ]);
    } finally {
      page.close();
    }
  });

  it('an <ap-mobile-camera> whose part cannot be fetched fires ap-error 4100 naming the asset base, once; the part loads once the base is right', async () => {
    const wrong = `${location.origin}/__no-such-assets/`;
    const page = await phonePage('<ap-mobile-camera></ap-mobile-camera>', wrong);
    try {
      await page.until(() => page.win.errors.length, 'the ap-error');
      expect(page.win.errors).to.have.length(1);
      expect(page.win.errors[0].tag).to.equal('ap-mobile-camera');
      expect(page.win.errors[0].code).to.equal(4100);
      expect(page.win.errors[0].message).to.contain(`could not be loaded from the asset base ${wrong}`);
      // a part the markup needs: the library is not ready (4018) rather than ready with a dead tag
      await page.until(() => page.win.apLibLoaded !== undefined, 'apLibReady or apLibLoadingFailed');
      expect(page.win.apLibLoaded).to.equal(false);
      expect(page.win.failed?.errorCode).to.equal(4018);
      expect(page.win.failed?.errorMessage).to.contain(`could not be loaded from the asset base ${wrong}`);
      // the page keeps changing: the element is not tried again on each change
      for (let i = 0; i < 5; i++) page.win.document.body.append(page.win.document.createElement('p'));
      await new Promise((r) => setTimeout(r, 500));
      expect(page.fetched()).to.have.length(1);
      expect(page.fetched()[0].startsWith(wrong)).to.equal(true);
      expect(page.win.errors).to.have.length(1);
      // the base corrected: the loader defines the tag, which upgrades the element waiting in the page
      const base = new URL('/dist/assets/', location.href).href;
      page.win.ProctorElements.setAssetBase(base);
      await (page.win.ProctorElements.loadMobileCameraElement as () => Promise<unknown>)();
      const camera = page.win.document.querySelector('ap-mobile-camera')!;
      expect(camera).to.be.instanceOf(page.win.ProctorElements.ApMobileCamera);
      expect(page.fetched().at(-1)).to.match(new RegExp(`^${base}phone/ap-mobile-camera\\.mjs\\?\\d+$`));
    } finally {
      page.close();
    }
  });

  it('fires apLibLoadingFailed 4018 naming the wait when its asset host accepts and never answers, with a lazy tag in the markup', async function () {
    // the deadline is ASSET_LOAD_TIMEOUT_MS (30 s): the page must hear an outcome, not wait for ever
    this.timeout(90_000);
    const page = await openPage('stalled-assets.html');
    try {
      await page.until(() => page.doc.documentElement.dataset.lib, 'a library event', 75_000);
      expect(page.doc.documentElement.dataset.lib).to.equal('failed');
      expect(page.doc.title).to.equal('4018');
      expect(page.doc.documentElement.dataset.message).to.match(/did not answer within 30 s/);
      expect(page.doc.documentElement.dataset.message).to.contain('/__stalled-assets/assets/');
    } finally {
      page.close();
    }
  });

  it('fires apLibLoadingFailed with statusDetails.errorCode 4018 when its assets are not next to it', async () => {
    const page = await openPage('no-assets.html');
    try {
      await page.until(() => page.doc.documentElement.dataset.lib, 'a library event', 10000);
      expect(page.doc.documentElement.dataset.lib).to.equal('failed');
      expect(page.doc.title).to.equal('4018');
    } finally {
      page.close();
    }
  });
});
