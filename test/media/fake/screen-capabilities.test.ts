import { expect } from '@open-wc/testing';
import { runScreenshareCheck } from '../../../src/index.js';
import type { CheckResult } from '../../../src/checks/types.js';
import { engine, itExcept, inUserGesture } from '../../helpers/engine.js';
import { until } from '../../helpers/monitor.js';

/** The real screen share, with `displaySurface` removed from its settings, as Firefox reports them. */
function firefoxLikeDevices(): MediaDevices {
  return {
    getUserMedia: (c: MediaStreamConstraints) => navigator.mediaDevices.getUserMedia(c),
    async getDisplayMedia(options?: DisplayMediaStreamOptions) {
      const stream = await navigator.mediaDevices.getDisplayMedia(options);
      const track = stream.getVideoTracks()[0];
      const real = track.getSettings.bind(track);
      track.getSettings = () => {
        const settings: MediaTrackSettings = { ...real() };
        delete settings.displaySurface;
        return settings;
      };
      return stream;
    },
  } as unknown as MediaDevices;
}

/** One entry per evidence id, the last version of each, in first-seen order. */
function latest<T extends { id?: string }>(records: T[]): T[] {
  const byId = new Map<string | undefined, T>();
  for (const r of records) byId.set(r.id, r);
  return [...byId.values()];
}

const otherOrigin = () => {
  const url = new URL(location.href);
  url.hostname = url.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
  return url.origin;
};

/**
 * A monitor in a cross-origin iframe (an LMS embedding the exam) with or without
 * `allow="window-management"` (its default allowlist is 'self': same-origin frames have it); the
 * evidence it records and the screen-share check run inside it.
 */
async function framedMonitor(allow: string) {
  const id = `screens-${Date.now()}-${Math.random().toString(36).slice(2, 7)}`;
  const messages: {
    frame: string;
    type: string;
    id?: string;
    code?: number;
    data?: Record<string, unknown> | null;
    result?: CheckResult;
  }[] = [];
  const onMessage = (e: MessageEvent<(typeof messages)[number]>) => e.data?.frame === id && messages.push(e.data);
  addEventListener('message', onMessage);
  const frame = document.createElement('iframe');
  frame.allow = `display-capture; ${allow}`;
  frame.src = `${otherOrigin()}/test/fixtures/pages/focus-exam.html?id=${id}&track=detectMultipleScreens`;
  document.body.append(frame);
  await until(() => messages.some((m) => m.type === 'started'), 15000, 'the framed monitor');
  frame.contentWindow!.postMessage('screenshare-check', '*');
  await until(() => messages.some((m) => m.type === 'check'), 15000, 'the check in the frame');
  frame.contentWindow!.postMessage('stop', '*');
  await until(() => messages.some((m) => m.type === 'stopped'), 15000, 'the framed monitor to stop');
  removeEventListener('message', onMessage);
  frame.remove();
  return {
    check: messages.find((m) => m.type === 'check')!.result!,
    evidence: latest(messages.filter((m) => m.type === 'evidence')),
  };
}

describe('capabilities the browser lacks are "unknown", not pass or fail', function () {
  this.timeout(40000);

  it('no displaySurface (Firefox): the screen-share check passes, warning that the surface could not be verified and what to share', async () => {
    const { result, stream } = await inUserGesture(() => runScreenshareCheck({ mediaDevices: firefoxLikeDevices() }));
    expect(result.status).to.equal('succeeded');
    expect(result.code).to.equal(undefined);
    expect(result.metrics.displaySurface).to.equal('unknown');
    // (Firefox and WebKit add a second warning: they cannot count monitors either)
    expect(result.warnings).to.have.length(engine === 'chromium' ? 1 : 2);
    expect(result.warnings![0]).to.equal(
      'This browser does not tell what was shared, so we could not verify it. Make sure you shared your entire screen, not a window or a tab.',
    );
    expect(stream?.getVideoTracks()[0].readyState).to.equal('live');
    stream?.getTracks().forEach((t) => t.stop());
  });

  it('no screen.isExtended: the check warns that monitors were not counted; metrics say unknown', async () => {
    const { result, stream } = await inUserGesture(() => runScreenshareCheck({ screen: {} }));
    expect(result.status).to.equal('succeeded');
    expect(result.metrics.multipleMonitors).to.equal('unknown');
    // (Firefox adds a warning that it cannot tell what was shared)
    expect(result.warnings).to.include(
      'This browser cannot tell whether more than one monitor is connected, so that was not checked.',
    );
    expect(result.warnings).to.have.length(engine === 'firefox' ? 2 : 1);
    stream?.getTracks().forEach((t) => t.stop());
  });

  itExcept(
    {
      firefox: 'getDisplayMedia in the cross-origin frame needs a click inside it, which the runner cannot give there',
      webkit: 'getDisplayMedia in the cross-origin frame needs a click inside it, which the runner cannot give there',
    },
    'in an iframe without the window-management permission: the check warns, and the monitor notes (5112) that multi-monitor detection was off',
    async () => {
      const without = await framedMonitor('');
      expect(without.check.status).to.equal('succeeded');
      expect(without.check.metrics.multipleMonitors).to.equal('unknown');
      expect(without.check.warnings).to.deep.equal([
        'This page may not check for more than one monitor (the window-management permission is not granted to it), so that was not checked.',
      ]);
      expect(without.evidence.map((e) => e.code)).to.deep.equal([5112]);
      expect(without.evidence[0].data).to.include({ capability: 'multiple_monitors', reason: 'not_allowed' });
      expect(String(without.evidence[0].data!.note)).to.contain('window-management permission');

      const granted = await framedMonitor('window-management');
      expect(granted.check.metrics.multipleMonitors).to.equal(false);
      expect(granted.check.warnings).to.equal(undefined);
      expect(granted.evidence).to.deep.equal([]); // one (fake) monitor: nothing to note
    },
  );
});
