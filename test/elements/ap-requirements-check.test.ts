import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import '../../src/define.js';
import {
  ErrorCode,
  setMessages,
  type ApChecksCompleteEvent,
  type ApErrorEvent,
  type ApRequirementsCheck,
} from '../../src/index.js';
import { de } from '../../src/locales/de.js';
import { rejectionOf } from '../helpers/media.js';

describe('<ap-requirements-check> (no devices needed)', () => {
  afterEach(() => setMessages());

  it('lists its checks with names, optional marks and not-started badges', async () => {
    const el = await fixture<ApRequirementsCheck>(html`<ap-requirements-check></ap-requirements-check>`);
    const rows = [...el.shadowRoot!.querySelectorAll('[part="check"]')];
    expect(rows.map((r) => r.getAttribute('data-check'))).to.deep.equal([
      'microphone',
      'speakers',
      'bandwidth',
      'webcam',
      'screenshare',
    ]);
    expect(rows[2].textContent).to.contain('Connection speed').and.contain('(optional)');
    expect(el.shadowRoot!.querySelector('ap-status-badge')!.getAttribute('status')).to.equal('not_started');
    expect(el.shadowRoot!.querySelector('[part="start"]')!.textContent).to.contain('Start the checks');
    await expect(el).to.be.accessible();
  });

  it('reports an unknown check name with ap-error and an alert, and does not throw', async () => {
    const el = document.createElement('ap-requirements-check');
    el.setAttribute('checks', 'microphone,teleport');
    const error = oneEvent<ApErrorEvent>(el, 'ap-error');
    document.body.append(el);
    const { detail } = await error;
    expect(detail.code).to.equal(ErrorCode.INVALID_OPTION);
    expect(detail.message).to.contain('"teleport"');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('teleport');
    el.remove();
  });

  it('skips optional checks only, and completes when the rest is done', async () => {
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check checks="bandwidth" bandwidth-url="/__bandwidth/fast/"></ap-requirements-check>`,
    );
    expect(() => el.skip('webcam')).to.throw(/not optional/);
    const complete = oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
    el.skip('bandwidth');
    expect((await complete).detail.passed).to.equal(true);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="message"]')!.textContent).to.equal('Skipped');
  });

  it('shows a failed check with its message and a keyboard-reachable retry button', async () => {
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check
        checks="bandwidth"
        optional=""
        bandwidth-url="http://127.0.0.1:9/"
      ></ap-requirements-check>`,
    );
    const complete = oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
    await el.run();
    expect((await complete).detail.passed).to.equal(false);
    await el.updateComplete;
    const retry = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry"]')!;
    expect(retry.getAttribute('aria-label')).to.equal('Try again: Connection speed');
    expect(retry.tabIndex).to.equal(0);
    expect(el.shadowRoot!.querySelector('[part="summary"]')!.textContent).to.contain('did not pass');
    await expect(el).to.be.accessible();
  });

  it('a check the browser itself failed (4001): no "Try again", which would fail the same way; says to use another browser', async () => {
    // a browser without getUserMedia (an embedded or stripped-down browser): INCOMPATIBLE_BROWSER
    const noCapture = {} as MediaDevices;
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check checks="microphone" .mediaDevices=${noCapture}></ap-requirements-check>`,
    );
    const complete = oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
    await el.run();
    const [result] = (await complete).detail.results;
    expect(result).to.include({ status: 'failed', code: ErrorCode.INCOMPATIBLE_BROWSER });
    await el.updateComplete;
    const row = el.shadowRoot!.querySelector('[part="check"]')!;
    expect(
      [...row.querySelectorAll('button')].map((b) => b.textContent.trim()),
      'no "Try again"',
    ).to.deep.equal([]);
    expect(row.querySelector('[part="message"]')!.textContent).to.equal(
      'This browser cannot use a camera or microphone. Use a current Chrome, Edge, Firefox or Safari.',
    );
    expect(row.querySelector('[part="no-retry"]')!.textContent).to.equal(
      'Trying again will not help in this browser. Open this page in another browser, such as a current Chrome, Edge or Firefox.',
    );
    await expect(el).to.be.accessible();

    setMessages(de);
    el.requestUpdate();
    await el.updateComplete;
    expect(row.querySelector('[part="no-retry"]')!.textContent).to.contain(
      'Ein neuer Versuch hilft in diesem Browser nicht.',
    );
  });

  it('a check that failed for another reason keeps "Try again" and says nothing about the browser', async () => {
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check checks="bandwidth" bandwidth-url="http://127.0.0.1:9/"></ap-requirements-check>`,
    );
    await el.run();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="retry"]')?.textContent.trim()).to.equal('Try again');
    expect(el.shadowRoot!.querySelectorAll('[part="no-retry"]').length).to.equal(0);
  });

  it('shows integrator-supplied messages for a failure reason', async () => {
    setMessages({
      checkFailures: { unreachable: 'Snelheidstest onbereikbaar.' },
      checkNames: { bandwidth: 'Verbinding' } as never,
    });
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check checks="bandwidth" bandwidth-url="http://127.0.0.1:9/"></ap-requirements-check>`,
    );
    await el.run();
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="message"]')!.textContent).to.equal('Snelheidstest onbereikbaar.');
    expect(el.shadowRoot!.querySelector('[part="check"]')!.textContent).to.contain('Verbinding');
  });
});

describe('<ap-requirements-check> as integrators configure it', () => {
  const statuses = (el: ApRequirementsCheck) => {
    const seen: string[] = [];
    el.addEventListener('ap-check-change', (e) => seen.push(e.detail.status));
    return seen;
  };
  // the throttled speed test (~0.65 Mbit/s): a check that runs long enough to be re-rendered over
  const slow = { bandwidth: { downloadBytes: 120_000, uploadBytes: 40_000, minDownloadMbps: 0.1, minUploadMbps: 0.1 } };

  it('an equal new settings object on every render (React inline settings={{…}}) restarts nothing', async () => {
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check checks="bandwidth" bandwidth-url="/__bandwidth/slow/"></ap-requirements-check>`,
    );
    el.settings = structuredClone(slow);
    await el.updateComplete;
    const seen = statuses(el);
    const complete = oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
    void el.run();
    // a parent re-rendering five times while the check runs, each time with a new equal object
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setTimeout(r, 100));
      el.settings = structuredClone(slow);
      await el.updateComplete;
    }
    const { detail } = await complete;
    expect(seen).to.deep.equal(['not_completed', detail.results[0].status]);
    expect(['succeeded', 'failed']).to.include(detail.results[0].status);
  });

  it('a real settings change while a check runs runs it again with the new settings: it completes', async () => {
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check
        checks="bandwidth"
        bandwidth-url="/__bandwidth/slow/"
        .settings=${structuredClone(slow)}
      ></ap-requirements-check>`,
    );
    const seen = statuses(el);
    const complete = oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
    void el.run();
    await new Promise((r) => setTimeout(r, 200));
    el.settings = { bandwidth: { ...slow.bandwidth, downloadBytes: 60_000 } };
    const { detail } = await complete;
    // the old run was reset (one not_started), the new one ran to the end: never left stuck
    expect(seen).to.deep.equal(['not_completed', 'not_started', 'not_completed', detail.results[0].status]);
    expect(detail.results[0].status).to.be.oneOf(['succeeded', 'failed']);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="summary"]')).to.exist;
  });

  it('a real settings change after the checks completed runs them again (React re-render with autostart)', async () => {
    const fast = {
      bandwidth: { downloadBytes: 20_000, uploadBytes: 10_000, minDownloadMbps: 0.1, minUploadMbps: 0.1 },
    };
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check
        checks="bandwidth"
        optional="mobile"
        bandwidth-url="/__bandwidth/fast/"
        autostart
        .settings=${structuredClone(fast)}
      ></ap-requirements-check>`,
    );
    const first = await oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
    expect(first.detail.passed).to.equal(true);
    const seen = statuses(el);
    const again = oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
    // the integrator raises the bar beyond any connection (100 Gbit/s): the check runs again and fails
    el.settings = { bandwidth: { ...fast.bandwidth, minDownloadMbps: 100_000 } };
    const { detail } = await again;
    expect(detail.passed).to.equal(false);
    expect(seen).to.deep.equal(['not_started', 'not_completed', 'failed']);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part="summary"]')).to.exist;
  });

  it('an invalid checks attribute found while connecting stays readable as .error after listeners could exist', async () => {
    const host = document.createElement('div');
    host.innerHTML = '<ap-requirements-check checks="microphone,teleport"></ap-requirements-check>';
    document.body.append(host);
    const el = host.firstElementChild as ApRequirementsCheck;
    await el.updateComplete;
    // a page script that adds its listener only now has missed the event, but not the error
    expect(el.error?.code).to.equal(ErrorCode.INVALID_OPTION);
    expect(el.error?.message).to.contain('"teleport"');
    el.checks = 'microphone';
    await el.updateComplete;
    expect(el.error).to.equal(undefined);
    host.remove();
  });

  it('checks="" is a configuration error, never "All required checks passed"', async () => {
    const el = await fixture<ApRequirementsCheck>(html`<ap-requirements-check checks=""></ap-requirements-check>`);
    expect(el.error?.code).to.equal(ErrorCode.INVALID_OPTION);
    expect(el.shadowRoot!.textContent).to.not.contain('All required checks passed');
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('no check given');
    await expect(el).to.be.accessible();
  });

  it('settings = null (a React or Vue state before it is set) is no settings, not a crash', async () => {
    // new-user trial: null made the element throw while rendering and stay blank, with no error
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check
        checks="bandwidth"
        bandwidth-url="/__bandwidth/fast/"
        .settings=${null}
      ></ap-requirements-check>`,
    );
    expect(el.error).to.equal(undefined);
    expect(el.shadowRoot!.querySelector('[data-check="bandwidth"]')).to.exist;
    const complete = oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
    void el.run();
    expect((await complete).detail.results[0].status).to.be.oneOf(['succeeded', 'failed']);
  });

  it('a misspelt or ill-typed setting is a configuration error (4107, alert, ap-error), not a failed check', async () => {
    // new-user trial: {webcam: {minConfidence: 2}} ran the check and told the candidate "we cannot
    // see your face"; a misspelt key was ignored without a word
    const cases: [unknown, string][] = [
      [{ webcam: { minConfidence: 2 } }, 'settings.webcam.minConfidence must be a number from 0 to 1, got 2.'],
      [{ webcam: { minConfidence: 'high' } }, 'got "high"'],
      [{ webcam: { threshold: 0.5 } }, 'settings.webcam.threshold is not a webcam setting'],
      [{ webcam: { minFaceWidth: 5 } }, 'settings.webcam.minFaceWidth'],
      [{ webcam: { settleMs: -5 } }, 'settings.webcam.settleMs'],
      [{ webcam: 'yes' }, 'settings.webcam must be an object'],
      [{ bogus: 1 }, 'settings.bogus is not a check'],
      ['notanobject', 'settings must be an object'],
      [[], 'settings must be an object'],
      // a retest: names of Object's own properties, objects of the wrong kind, no upper bound,
      // settings that can never pass, an empty URL
      [{ constructor: {} }, 'settings.constructor is not a check'],
      [{ webcam: { constructor: 1 } }, 'settings.webcam.constructor is not a webcam setting'],
      [{ webcam: { stream: {} } }, 'settings.webcam.stream must be a MediaStream'],
      [{ webcam: { detector: {} } }, 'settings.webcam.detector must be a face detector'],
      [{ mobile: { rtcConfig: [] } }, 'settings.mobile.rtcConfig must be an object'],
      [{ webcam: { settleMs: 1e12 } }, 'settings.webcam.settleMs must be a duration in ms from 0 to 600000'],
      [{ microphone: { requiredMs: 60000, listenMs: 1000 } }, 'requiredMs (60000) must be at most listenMs (1000)'],
      [{ bandwidth: { url: '' } }, 'settings.bandwidth.url must be a URL'],
      [{ webcam: { minConfidence: new Number(0.5) } }, 'got a Number object'],
    ];
    for (const [settings, message] of cases) {
      const el = document.createElement('ap-requirements-check');
      el.checks = 'webcam';
      el.settings = settings as object;
      const errors: ApErrorEvent[] = [];
      el.addEventListener('ap-error', (e) => errors.push(e));
      document.body.append(el);
      await el.updateComplete;
      expect(el.error?.code, JSON.stringify(settings)).to.equal(ErrorCode.INVALID_OPTION);
      expect(el.error?.message).to.contain(message);
      expect(errors.map((e) => e.detail.code)).to.deep.equal([ErrorCode.INVALID_OPTION]);
      expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain(message);
      expect((await rejectionOf(el.run())).code).to.equal(ErrorCode.INVALID_OPTION);
      el.remove();
    }
  });

  it('inline URLs and functions in settings, new on every render, restart nothing (React re-rendering on each change)', async () => {
    // a retest: compared by identity, an inline new URL() or () => … was a change on every render,
    // and the check restarted for ever
    const settings = () => ({
      bandwidth: {
        url: new URL('/__bandwidth/fast/', location.href),
        downloadBytes: 20_000,
        uploadBytes: 10_000,
        minDownloadMbps: 0.1,
        minUploadMbps: 0.1,
      },
      speakers: { generateCode: () => '1234' },
    });
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check checks="bandwidth" .settings=${settings()}></ap-requirements-check>`,
    );
    const seen = statuses(el);
    el.addEventListener('ap-check-change', () => (el.settings = settings()));
    const complete = oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
    void el.run();
    const { detail } = await complete;
    await new Promise((r) => setTimeout(r, 500));
    expect(seen).to.deep.equal(['not_completed', detail.results[0].status]);
    expect(detail.passed).to.equal(true);
  });

  it('autostart still starts once a configuration error is mended', async () => {
    const fast = {
      bandwidth: { downloadBytes: 20_000, uploadBytes: 10_000, minDownloadMbps: 0.1, minUploadMbps: 0.1 },
    };
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check
        checks="bandwidth"
        bandwidth-url="/__bandwidth/fast/"
        autostart
        .settings=${{ bandwidth: { minDownloadMbps: 'fast' } }}
      ></ap-requirements-check>`,
    );
    expect(el.error?.code).to.equal(ErrorCode.INVALID_OPTION);
    const complete = oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
    el.settings = fast;
    expect((await complete).detail.passed).to.equal(true);
    expect(el.error).to.equal(undefined);
  });

  it("settings changed and run() called in the same task: run() resolves with the new settings' results", async () => {
    // helper-59: `el.settings = …; await el.run()` resolved at once with "not completed" (the old
    // runner, stopped by the update), and the element then ran the checks again by itself
    const small = { downloadBytes: 20_000, uploadBytes: 10_000, minUploadMbps: 0.1 };
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check
        checks="bandwidth"
        bandwidth-url="/__bandwidth/fast/"
        .settings=${{ bandwidth: { ...small, minDownloadMbps: 0.1 } }}
      ></ap-requirements-check>`,
    );
    await el.run();
    expect(el.results[0]).to.include({ status: 'succeeded' });
    const completes: ApChecksCompleteEvent[] = [];
    el.addEventListener('ap-checks-complete', (e) => completes.push(e));
    // a speed no link has: the new settings fail it
    el.settings = { bandwidth: { ...small, minDownloadMbps: 1e9 } };
    await el.run();
    expect(el.results[0], 'the new settings').to.include({ status: 'failed', reason: 'slow' });
    expect(completes.map((e) => e.detail.results[0].status)).to.deep.equal(['failed']);
    await new Promise((r) => setTimeout(r, 300));
    expect(completes, 'the checks ran once').to.have.length(1);
  });

  it('run(name) right after a change runs that check once with the new settings, not twice', async () => {
    // helper-60: the element's own re-run started and was aborted by run('webcam'): the camera was
    // asked for twice
    let asked = 0;
    const devices = {
      getUserMedia: () => {
        asked++;
        return Promise.reject(new DOMException('no camera in this test', 'NotAllowedError'));
      },
      enumerateDevices: () => Promise.resolve([]),
      addEventListener() {},
      removeEventListener() {},
    } as unknown as MediaDevices;
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check
        checks="webcam"
        .mediaDevices=${devices}
        .settings=${{ webcam: { requireFace: false } }}
      ></ap-requirements-check>`,
    );
    await el.run();
    expect(asked).to.equal(1);
    el.settings = { webcam: { requireFace: false, minWidth: 320 } };
    await el.run('webcam');
    expect(el.results[0].status).to.equal('failed');
    await new Promise((r) => setTimeout(r, 300));
    expect(asked, 'the camera asked for once more').to.equal(2);
  });

  it('run() on an element not yet in the document is an INVALID_STATE saying so, not a hang', async () => {
    const el = document.createElement('ap-requirements-check');
    el.checks = 'bandwidth';
    const error = await rejectionOf(el.run());
    expect(error.code).to.equal(ErrorCode.INVALID_STATE);
    expect(error.message).to.contain('not in the document yet');
  });

  it('every setting of the README, with its own type, is accepted', async () => {
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check
        checks="bandwidth"
        .settings=${{
          microphone: { deviceId: 'x', listenMs: 5000, requiredMs: 300, soundDb: -45, silenceDb: -70 },
          speakers: { language: 'en', maxAttempts: 3, generateCode: () => '1234', gapMs: 0 },
          bandwidth: { downloadBytes: 1000, latencySamples: 0, minDownloadMbps: 0, transferTimeoutMs: 1000 },
          webcam: { minConfidence: 0.5, keepConfidence: 0.3, settleMs: 0, darkLuma: 60, minFaceWidth: 0.09 },
          screenshare: { requireEntireScreen: false, rejectMultipleMonitors: true },
          mobile: { timeoutMs: 20000, minFrames: 5, rtcConfig: { iceServers: [] }, pairingUrl: '/phone' },
        }}
      ></ap-requirements-check>`,
    );
    expect(el.error).to.equal(undefined);
  });

  it('a failed check says why in a live region (not only the badge\'s "failed")', async () => {
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check checks="bandwidth" bandwidth-url="/__bandwidth/spa/"></ap-requirements-check>`,
    );
    const complete = oneEvent<ApChecksCompleteEvent>(el, 'ap-checks-complete');
    void el.run();
    await complete;
    await el.updateComplete;
    const message = el.shadowRoot!.querySelector('[data-check="bandwidth"] [part="message"]')!;
    expect(message.textContent.trim()).to.not.equal('');
    expect(message.closest('[aria-live="polite"], [role="status"], [role="alert"]')).to.exist;
  });

  it('shows no summary before a run completed', async () => {
    const el = await fixture<ApRequirementsCheck>(
      html`<ap-requirements-check checks="bandwidth" bandwidth-url="/__bandwidth/fast/"></ap-requirements-check>`,
    );
    expect(el.shadowRoot!.querySelector('[part="summary"]')).to.equal(null);
  });
});

describe('<ap-requirements-check> fits its card (every action visible and clickable)', function () {
  this.timeout(30000);

  /** The element as wide as a column of `width` px, as an exam page or a phone lays it out. */
  const inColumn = (width: number, template: unknown) =>
    fixture<HTMLDivElement>(html`<div style=${`width: ${width}px`}>${template}</div>`);

  /**
   * Every button and progress bar lies inside the card (part="base"), and each button is what a
   * click on its middle hits (not clipped away, not covered): what the candidate can reach.
   */
  const expectAllInCard = (el: ApRequirementsCheck) => {
    const root = el.shadowRoot!;
    const card = root.querySelector('[part="base"]')!.getBoundingClientRect();
    const inside = (r: DOMRect) =>
      r.left >= card.left - 0.5 &&
      r.right <= card.right + 0.5 &&
      r.top >= card.top - 0.5 &&
      r.bottom <= card.bottom + 0.5;
    const items = [...root.querySelectorAll<HTMLElement>('button, progress, [part="message"]')];
    expect(items.length).to.be.above(1);
    for (const item of items) {
      const r = item.getBoundingClientRect();
      const name = item.getAttribute('part') ?? item.localName;
      expect(
        inside(r),
        `${name} [${Math.round(r.left)}, ${Math.round(r.right)}] inside the card [${card.left}, ${card.right}]`,
      ).to.equal(true);
      if (item.localName !== 'button') continue;
      const hit = root.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      expect(hit && item.contains(hit), `${name} is what a click on its middle hits`).to.equal(true);
    }
  };

  const failedBandwidth = async (width: number) => {
    const host = await inColumn(
      width,
      html`<ap-requirements-check
        checks="microphone webcam bandwidth"
        bandwidth-url="http://127.0.0.1:9/a-long-speed-test-path/without/any/break/"
      ></ap-requirements-check>`,
    );
    const el = host.querySelector<ApRequirementsCheck>('ap-requirements-check')!;
    await el.run('bandwidth');
    await el.updateComplete;
    return el;
  };

  for (const width of [560, 390]) {
    it(`before the run, at ${width} px: the start and skip buttons`, async () => {
      const host = await inColumn(
        width,
        html`<ap-requirements-check checks="microphone speakers webcam bandwidth"></ap-requirements-check>`,
      );
      const el = host.querySelector<ApRequirementsCheck>('ap-requirements-check')!;
      await el.updateComplete;
      expect(el.shadowRoot!.querySelector('[part="skip"]')).to.exist;
      expectAllInCard(el);
    });

    it(`a failed optional check with a long message, at ${width} px: "Try again" and "Skip" are reachable`, async () => {
      const el = await failedBandwidth(width);
      const root = el.shadowRoot!;
      expect(root.querySelector('[data-check="bandwidth"] ap-status-badge')!.getAttribute('status')).to.equal('failed');
      expect(root.querySelector('[part="retry"]')).to.exist;
      expectAllInCard(el);
      // a real click on "Skip" (the runner's pointer) skips the check
      const skip = root.querySelector<HTMLButtonElement>('[part="skip"]')!;
      skip.scrollIntoView({ block: 'center' });
      const r = skip.getBoundingClientRect();
      await sendMouse({
        type: 'click',
        position: [Math.round(r.left + r.width / 2), Math.round(r.top + r.height / 2)],
      });
      await waitUntil(
        () => root.querySelector('[data-check="bandwidth"] [part="message"]')!.textContent === 'Skipped',
        'the check skipped by the click',
      );
    });
  }
});
