/**
 * getReport() / showReport() on another device (AutoProctor's Moodle plugin, loadreport.php): the
 * candidate's page runs and finishes an attempt against the real results server; then a teacher's
 * page in a fresh browser context (empty storage: no outbox) reads and renders it from the server
 * with the attempt's credentials, and sees the same Trust Score, evidence and photos.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { AutoProctor } from '../../../src/index.js';
import '../../../src/define.js';
import { DIST_ASSETS } from '../../helpers/media.js';
import { sleep, until, visitOtherTab } from '../../helpers/monitor.js';
import { itExcept, NO_FACE_DETECTION_WEBKIT, NO_OTHER_TAB_WEBKIT } from '../../helpers/engine.js';

interface Creds {
  endpoint: string;
  clientId: string;
  testAttemptId: string;
  hashedTestAttemptId: string;
}
interface Stored {
  session?: { status: string; trust_score: number | null };
  evidence: { id: string; code: number }[];
  photos: { id: string }[];
}
interface Failure {
  errorCode: number;
  errorMessage: string;
  code: number;
}
interface Seen {
  databases: string[];
  attemptDetails: { trustScore: number | null; testAttemptStatus: string; clientId: string; testAttemptId: string };
  counts: Record<string, number>;
  evidence: { id: string; evidenceCode: number; photo: boolean }[];
  shownScore: string;
  shownItems: number;
  inSummary: string;
  photosShown: number;
  error?: Failure;
  missing: Failure | 'resolved';
  missingShown: Failure | 'resolved';
  wrongHash: Failure | 'resolved';
}

async function onOtherDevice(query: Record<string, string>): Promise<Seen> {
  await executeServerCommand('other-device-page', {
    url: `/test/compat/pages/load-report.html?${new URLSearchParams(query).toString()}`,
  });
  for (;;) {
    const r = await executeServerCommand<{ done: boolean; value?: Seen; error?: string }, undefined>(
      'other-device-result',
    );
    if (r.error) throw new Error(r.error);
    if (r.done) return r.value!;
  }
}

describe("getReport() / showReport() on another device (a teacher's page with an empty outbox)", function () {
  this.timeout(180000);

  itExcept(
    { webkit: `${NO_FACE_DETECTION_WEBKIT}; ${NO_OTHER_TAB_WEBKIT}` },
    'reads the finished attempt from the results server: the same Trust Score, evidence and photos',
    async () => {
      const creds = await executeServerCommand<Creds, undefined>('results-server');
      // the candidate: endpoint given to the constructor (setup() delivers there)
      const ap = new AutoProctor({ ...creds });
      await ap.setup({
        assetBase: DIST_ASSETS,
        trackingOptions: {
          audio: false,
          numHumans: true,
          testTakerPhoto: true,
          photosAtRandom: false,
          captureSwitchedTab: false,
          detectMultipleScreens: false,
        },
      });
      await ap.start();
      // the candidate leaves the exam once (5005, then 5006 on return)
      let left = false;
      const onEvidence = (e: Event) =>
        (left ||= (e as CustomEvent<{ evidenceCode: number }>).detail.evidenceCode === 5005);
      addEventListener('apEvidenceEvent', onEvidence);
      await visitOtherTab(() => left, { minMs: 1500 });
      removeEventListener('apEvidenceEvent', onEvidence);
      await sleep(500);
      await ap.stop();
      const mine = await ap.getReport();
      await ap.destroy();
      // everything delivered and scored at the server
      let stored: Stored = { evidence: [], photos: [] };
      await until(
        async () => {
          stored = await executeServerCommand<Stored, { testAttemptId: string }>('results-session', {
            testAttemptId: creds.testAttemptId,
          });
          return (
            typeof stored.session?.trust_score === 'number' &&
            stored.evidence.length === mine.evidence.length &&
            stored.photos.length === mine.evidence.filter((e) => e.photo).length
          );
        },
        60000,
        'the attempt delivered and scored',
      ).catch((error: Error) => {
        const local = mine.evidence.map((e) => `${e.evidenceCode}${e.photo ? '+photo' : ''}`).join(' ');
        const server = stored.evidence.map((e) => e.code).join(' ');
        throw new Error(
          `${error.message}: the page has ${local}; the server ${server}, ${stored.photos.length} photos, score ${stored.session?.trust_score}`,
        );
      });
      const codes = mine.evidence.map((e) => e.evidenceCode);
      expect(codes).to.include.members([5003, 5005, 5006]);

      const never = await executeServerCommand<Creds, undefined>('results-server'); // a valid hash, never started
      const seen = await onOtherDevice({
        clientId: creds.clientId,
        testAttemptId: creds.testAttemptId,
        hashedTestAttemptId: creds.hashedTestAttemptId,
        endpoint: creds.endpoint,
        missing: never.testAttemptId,
        missingHash: never.hashedTestAttemptId,
        wrongHash: never.hashedTestAttemptId,
      });
      expect(seen.error, 'getReport / showReport on the other device').to.equal(undefined);
      expect(seen.databases, 'the other device has no outbox').to.not.include('proctor-elements');
      // the same verdict the server gave, and the candidate's own
      expect(seen.attemptDetails).to.include({
        trustScore: stored.session!.trust_score,
        testAttemptStatus: 'completed',
        clientId: creds.clientId,
        testAttemptId: creds.testAttemptId,
      });
      expect(seen.attemptDetails.trustScore).to.equal(mine.attemptDetails.trustScore);
      expect(seen.counts).to.deep.equal(mine.counts);
      // the same records (ids) with the same codes, and a photo wherever the candidate's had one
      const summary = (list: { id: string; evidenceCode: number; photo?: unknown }[]) =>
        list.map((e) => `${e.id} ${e.evidenceCode} ${e.photo ? 'photo' : ''}`).sort();
      expect(summary(seen.evidence)).to.deep.equal(summary(mine.evidence));
      // rendered where AutoProctor's option says, with the score and every photo showing
      expect(seen.inSummary).to.equal('ap-proctor-summary');
      expect(seen.shownScore).to.equal(`${stored.session!.trust_score}/100`);
      expect(seen.shownItems).to.equal(mine.evidence.length);
      expect(seen.photosShown).to.equal(mine.evidence.filter((e) => e.photo).length);
      expect(seen.photosShown).to.be.greaterThan(0);
      // an attempt neither the device nor the server has: a typed error, AutoProctor's fields too
      for (const failure of [seen.missing, seen.missingShown]) {
        expect(failure).to.not.equal('resolved');
        expect(failure).to.include({ errorCode: 4118, code: 4118 });
        expect((failure as Failure).errorMessage)
          .to.contain(never.testAttemptId)
          .and.contain('results server');
      }
      // another attempt's hash: the server refuses it, and the page is told so
      expect(seen.wrongHash).to.include({ errorCode: 4116 });
      expect((seen.wrongHash as Failure).errorMessage).to.contain('403');
    },
  );

  it('without an endpoint and without a local copy: 4118 that says to pass the endpoint', async () => {
    const ap = new AutoProctor({
      clientId: 'acme',
      testAttemptId: `nowhere-${Date.now()}`,
      hashedTestAttemptId: 'aGFzaA==',
    });
    const error = await ap.getReport().then(
      () => undefined,
      (e: Failure) => e,
    );
    expect(error).to.include({ errorCode: 4118, code: 4118 });
    expect(error!.errorMessage).to.contain('endpoint');
  });

  it('refuses an endpoint without a scheme at construction (4107)', () => {
    expect(
      () =>
        new AutoProctor({ clientId: 'a', testAttemptId: 'b', hashedTestAttemptId: 'c', endpoint: '127.0.0.1:4600' }),
    )
      .to.throw()
      .with.property('code', 4107);
  });
});
