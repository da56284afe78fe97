/**
 * Evidence delivery as it happens in the world: a noisy 1280×720 camera (photos of real size, well
 * over the 64 KiB that browsers allow a keepalive request), a paired phone, a results server that
 * goes away for a while, a reload, full storage, a page closed with photos still pending. Each test
 * counts what the page emitted (`ap-evidence`) against what the server stored.
 */
import { expect, oneEvent } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../../src/define.js';
import { itExcept } from '../../helpers/engine.js';
import { sleep, until, visitOtherTab } from '../../helpers/monitor.js';
import { checkWithPairing, phone } from '../../helpers/pairing.js';
import {
  monitorFor,
  privateServer,
  serverUntil,
  setLink,
  stored,
  type Credentials,
} from '../../helpers/results-server.js';

/** What a page reported of a record (the iframe and tab pages post this shape). */
interface Emitted {
  id: string;
  type: string;
  ended: boolean;
  photo: boolean;
}

/** The test's own link to the server (see privateServer) down or back up. */
const outage = (creds: Credentials, down: boolean) => setLink(creds.testAttemptId, down ? 'down' : 'up');

const sorted = (ids: Iterable<string>) => [...ids].sort();

/** The query of test/fixtures/pages/delivery-exam.html for this attempt, plus `extra`. */
const examQuery = (creds: Credentials, extra: Record<string, string>) =>
  new URLSearchParams({
    id: creds.testAttemptId,
    client: creds.clientId,
    hash: creds.hashedTestAttemptId,
    endpoint: creds.endpoint,
    outbox: `outbox-${creds.testAttemptId}`,
    ...extra,
  });

describe('evidence delivery from a real-size camera', function () {
  this.timeout(180000);

  it('a noisy 720p camera, random photos and a paired phone, through an outage: every record and photo at the server once', async () => {
    const creds = await privateServer();
    const { el: checks, code } = await checkWithPairing();
    const cam = phone(code);
    await oneEvent(checks, 'ap-checks-complete');
    const { el, emitted, errors, text } = monitorFor(creds);
    await el.setup({
      endpoint: creds.endpoint,
      outboxName: `outbox-${creds.testAttemptId}`,
      trackingOptions: {
        photosAtRandom: true,
        numPhotosAtRandom: 5,
        auxiliaryDevice: true,
        tabSwitch: true,
        numHumans: false,
        audio: false,
        detectMultipleScreens: false,
        showCamPreview: true,
      },
      secondCamera: checks.secondCamera,
      tuning: { examDurationMs: 10000, tabSwitchGraceMs: 300 },
    });
    await el.start();
    await sleep(1500);
    await outage(creds, true);
    // the candidate leaves the tab while the server is unreachable; photos keep being taken
    await visitOtherTab(() => [...emitted.values()].some((r) => r.type === 'tab_switch'));
    await until(() => errors.some((e) => e.code === 4111), 15000, 'the outage reported (4111)');
    await until(
      () => text().includes('saved on this device'),
      15000,
      'the candidate told evidence waits on the device',
    );
    await sleep(4000);
    await outage(creds, false);
    const laptopPhotos = () => [...emitted.values()].filter((r) => r.type === 'random_photo' && !r.data?.camera);
    await until(() => laptopPhotos().length === 5, 30000, 'five routine photos');
    const result = await el.stop();

    expect(result.delivery.done, JSON.stringify({ delivery: result.delivery, errors })).to.equal(true);
    expect(text()).to.contain('All evidence has been sent.');
    const server = await stored(creds.testAttemptId);
    // exactly the records the page emitted, each once
    expect(server.evidence.length).to.equal(emitted.size);
    expect(sorted(server.evidence.map((e) => e.id))).to.deep.equal(sorted(emitted.keys()));
    expect(server.evidence.filter((e) => e.type === 'tab_switch')).to.have.length(1);
    // every photo the page took, once, with its real size
    const withPhoto = [...emitted.values()].filter((r) => r.photo);
    expect(withPhoto.length).to.be.at.least(6); // five from the laptop, at least one from the phone
    expect(withPhoto.some((r) => r.data?.camera === 'second')).to.equal(true);
    expect(sorted(server.photos.map((p) => p.id))).to.deep.equal(sorted(withPhoto.map((r) => r.id)));
    const laptopIds = new Set(laptopPhotos().map((r) => r.id));
    const laptopBytes = server.photos.filter((p) => laptopIds.has(p.id)).map((p) => p.bytes);
    // the server holds the very bytes the page took: a frame with sensor noise, over the 64 KiB
    // a keepalive request may carry
    for (const r of laptopPhotos())
      expect(server.photos.find((p) => p.id === r.id)!.bytes).to.equal(atob(r.photo!.split(',')[1]).length);
    expect(Math.min(...laptopBytes)).to.be.above(65536);
    expect(server.photos.every((p) => p.content_type === 'image/jpeg')).to.equal(true);
    expect(server.session!.status).to.equal('exam_finished');
    expect(errors.filter((e) => e.code !== 4111)).to.deep.equal([]);
    el.remove();
    cam.remove();
    checks.remove();
  });

  it('a 30 s outage with a reload in the middle: proctoring runs from the start, nothing is lost', async () => {
    const creds = await privateServer();
    await outage(creds, true);
    const emitted = new Map<string, Emitted>();
    const errors: number[] = [];
    let started: (resumed: boolean) => void = () => undefined;
    const onMessage = (e: MessageEvent<{ type: string; record?: Emitted; code?: number; resumed?: boolean }>) => {
      if (e.data?.type === 'evidence') emitted.set(e.data.record!.id, e.data.record!);
      if (e.data?.type === 'error') errors.push(e.data.code!);
      if (e.data?.type === 'started') started(!!e.data.resumed);
    };
    addEventListener('message', onMessage);
    const isStarted = () => new Promise<boolean>((resolve) => (started = resolve));
    const frame = document.createElement('iframe');
    frame.allow = 'camera; microphone';
    const q = examQuery(creds, {
      photos: '4',
      duration: '16000',
    });
    let ready = isStarted();
    frame.src = `/test/fixtures/pages/delivery-exam.html?${q}`;
    document.body.append(frame);
    const t0 = performance.now();
    // the server is down, yet proctoring starts
    expect(await ready).to.equal(false);
    await visitOtherTab(() => [...emitted.values()].some((r) => r.type === 'tab_switch'));
    await until(() => [...emitted.values()].some((r) => r.type === 'tab_switch' && r.ended), 10000, 'a tab switch');
    await sleep(4000);
    // the candidate reloads the page in the middle of the outage
    ready = isStarted();
    frame.contentWindow!.location.reload();
    expect(await ready).to.equal(true);
    await visitOtherTab(() => [...emitted.values()].filter((r) => r.type === 'tab_switch').length === 2);
    await until(
      () => [...emitted.values()].filter((r) => r.type === 'tab_switch' && r.ended).length === 2,
      10000,
      'a second tab switch',
    );
    // nothing has reached the server so far
    expect((await stored(creds.testAttemptId)).session).to.equal(undefined);
    await sleep(Math.max(0, 30000 - (performance.now() - t0)));
    await outage(creds, false);
    await until(() => [...emitted.values()].filter((r) => r.photo).length >= 3, 30000, 'the routine photos');
    const session = () =>
      (frame.contentWindow as Window & { session: import('../../../src/index.js').MonitorSession }).session;
    const result = await session().stop();
    expect(result.delivery.done, JSON.stringify({ delivery: result.delivery, errors })).to.equal(true);
    const server = await stored(creds.testAttemptId);
    const unseen = server.evidence.filter((e) => !emitted.has(e.id));
    expect(server.evidence.length, `at the server, never emitted: ${JSON.stringify(unseen)}`).to.equal(emitted.size);
    expect(sorted(server.evidence.map((e) => e.id))).to.deep.equal(sorted(emitted.keys()));
    const photoIds = [...emitted.values()].filter((r) => r.photo).map((r) => r.id);
    expect(sorted(server.photos.map((p) => p.id))).to.deep.equal(sorted(photoIds));
    expect(server.session!.status).to.equal('exam_finished');
    expect(errors).to.include(4111);
    removeEventListener('message', onMessage);
    frame.remove();
  });

  it('a reload of the exam tab is no tab switch: nothing is recorded for it, on the device or at the server', async () => {
    // the page going away fires pagehide, then visibilitychange to hidden (HTML's unload steps):
    // that hidden is not the candidate leaving
    const creds = await privateServer();
    const q = examQuery(creds, { photos: '1', duration: '1000' });
    const tabSays = async <T>(name: string) =>
      (await executeServerCommand<{ value?: T }, { name: string }>('exam-tab-eval', { name })).value;
    const started = () =>
      until(async () => (await tabSays<boolean>('started')) === true, 20000, 'the exam tab started');
    await executeServerCommand('exam-tab', { url: `/test/fixtures/pages/delivery-exam.html?${q}`, front: true });
    try {
      await started();
      await until(async () => (await tabSays<Emitted[]>('emitted'))!.some((r) => r.photo), 20000, 'the photo');
      await executeServerCommand('exam-tab-reload');
      await started();
      const types = (await tabSays<string[]>('outboxTypes'))!;
      expect(types, 'the outbox').to.deep.equal(['random_photo']);
      await serverUntil(creds.testAttemptId, (s) => s.photos.length === 1, 'the photo at the server');
      expect(
        (await stored(creds.testAttemptId)).evidence.map((e) => e.type),
        'at the server',
      ).to.deep.equal(['random_photo']);
    } finally {
      await executeServerCommand('exam-tab-close');
    }
  });

  itExcept(
    {
      firefox:
        'the storage cap is set through the Chrome DevTools Protocol (Storage.overrideQuotaForOrigin), which Firefox over WebDriver BiDi does not offer',
    },
    'storage full: evidence kept in memory, the candidate told once (4117), stop() still reaches the server',
    async () => {
      const creds = await privateServer();
      const q = examQuery(creds, {
        photos: '3',
        duration: '3000',
        tab: '0',
        stop: '6000',
      });
      // another origin than this page's, its storage capped at 150 kB before it loads
      await executeServerCommand('exam-tab', {
        url: `http://127.0.0.1:${location.port}/test/fixtures/pages/delivery-exam.html?${q}`,
        quota: 150_000,
      });
      const tabSays = async <T>(name: string) =>
        (await executeServerCommand<{ value?: T }, { name: string }>('exam-tab-eval', { name })).value;
      let result: { done: boolean; pending: number } | undefined;
      await until(async () => !!(result = await tabSays('result')), 60000, 'the exam to stop');
      const errors = (await tabSays<{ code: number; message: string }[]>('errors'))!;
      const emitted = (await tabSays<Emitted[]>('emitted'))!;
      const storage = errors.filter((e) => e.code === 4117);
      expect(storage, JSON.stringify(errors)).to.have.length(1);
      expect(storage[0].message).to.contain('storage on this device is full');
      expect(result!.done, JSON.stringify(result)).to.equal(true);
      const server = await stored(creds.testAttemptId);
      expect(sorted(server.evidence.map((e) => e.id))).to.deep.equal(sorted(new Set(emitted.map((r) => r.id))));
      expect(server.photos).to.have.length(3);
      expect(server.session!.status).to.equal('exam_finished');
      await executeServerCommand('exam-tab-close');
    },
  );

  it('a page closed with photos pending: its records arrive at close, its photos on the next visit, each once', async () => {
    const creds = await privateServer();
    const q = examQuery(creds, {
      photos: '3',
      duration: '3000',
      tab: '0',
    });
    const url = `/test/fixtures/pages/delivery-exam.html?${q}`;
    const tabSays = async <T>(name: string) =>
      (await executeServerCommand<{ value?: T }, { name: string }>('exam-tab-eval', { name })).value;
    // the exam is the tab the candidate looks at
    await executeServerCommand('exam-tab', { url, front: true });
    await until(async () => (await tabSays<boolean>('started')) === true, 20000, 'the exam tab started');
    await serverUntil(creds.testAttemptId, (s) => !!s.session, 'the attempt at the server');
    await outage(creds, true);
    let taken: Emitted[] = [];
    const deadline = performance.now() + 20000;
    while (taken.filter((r) => r.photo).length < 3 && performance.now() < deadline) {
      await sleep(250);
      taken = (await tabSays<Emitted[]>('emitted')) ?? [];
    }
    expect(taken.filter((r) => r.photo)).to.have.length(3);
    // a tab switch meanwhile: its hide hands the records to a beacon, which the outage swallows
    await executeServerCommand('exam-tab-switch');
    await outage(creds, false);
    // the candidate closes the tab at once: the hide, then pagehide, hand the records to a beacon
    // (Firefox drops pagehide's when a tab closes and delivers the hide's: README "Page close")
    await executeServerCommand('exam-tab-close', { selected: true });
    let server = await serverUntil(creds.testAttemptId, (s) => s.evidence.length === 3, 'the three records');
    expect(sorted(server.evidence.map((e) => e.id))).to.deep.equal(sorted(taken.map((r) => r.id)));
    // the next visit resumes the attempt and delivers what stayed on the device
    await executeServerCommand('exam-tab', { url });
    server = await serverUntil(creds.testAttemptId, (s) => s.photos.length === 3, 'the three photos');
    expect(server.evidence).to.have.length(3);
    expect(sorted(server.photos.map((p) => p.id))).to.deep.equal(sorted(taken.map((r) => r.id)));
    await executeServerCommand('exam-tab-close');
  });
});
