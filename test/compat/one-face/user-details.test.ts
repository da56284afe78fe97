import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { AutoProctor, type ApReport } from '../../../src/index.js';
import '../../../src/define.js';
import { DIST_ASSETS } from '../../helpers/media.js';

interface Creds {
  endpoint: string;
  token: string;
  installSid: string;
  examSid: string;
  clientId: string;
  testAttemptId: string;
  hashedTestAttemptId: string;
}

describe("AutoProctor userDetails and showHowToVideo reach the results server and the reviewer's report", function () {
  this.timeout(90000);

  it('setup({userDetails, showHowToVideo, endpoint}) → the session details and <ap-report> in server mode show the candidate', async () => {
    const creds = await executeServerCommand<Creds, undefined>('results-server');
    const ap = new AutoProctor({
      clientId: creds.clientId,
      testAttemptId: creds.testAttemptId,
      hashedTestAttemptId: creds.hashedTestAttemptId,
    });
    await ap.setup({
      endpoint: creds.endpoint,
      assetBase: DIST_ASSETS,
      trackingOptions: {
        audio: false,
        numHumans: false,
        photosAtRandom: false,
        captureSwitchedTab: false,
        detectMultipleScreens: false,
      },
      userDetails: { name: 'Ada Lovelace', email: 'ada@example.org', cohort: 7 },
      showHowToVideo: true,
    });
    await ap.start();
    await ap.stop();
    await ap.destroy();
    // what a SmarterProctoring-style client reads
    const stored = await executeServerCommand<{ session?: { sid: string } }, { testAttemptId: string }>(
      'results-session',
      { testAttemptId: creds.testAttemptId },
    );
    expect(stored.session, 'the session at the server').to.not.equal(undefined);
    const url = new URL(
      `v1/installs/${creds.installSid}/exams/${creds.examSid}/sessions/${stored.session!.sid}`,
      creds.endpoint,
    );
    const details = (await (await fetch(url, { headers: { token: creds.token } })).json()) as Record<string, unknown>;
    expect(details.userDetails).to.deep.equal({ name: 'Ada Lovelace', email: 'ada@example.org', cohort: 7 });
    expect(details).to.include({
      showHowToVideo: true,
      candidateName: 'Ada Lovelace',
      candidateEmail: 'ada@example.org',
    });
    // what a reviewer sees
    const report: ApReport = document.createElement('ap-report');
    Object.assign(report, {
      endpoint: creds.endpoint,
      installSid: creds.installSid,
      examSid: creds.examSid,
      sessionSid: stored.session!.sid,
      token: creds.token,
    });
    document.body.append(report);
    try {
      const end = performance.now() + 30000;
      const shown = () => report.shadowRoot?.textContent?.replace(/\s+/g, ' ') ?? '';
      while (!shown().includes('Timeline') && performance.now() < end) await new Promise((r) => setTimeout(r, 100));
      expect(shown()).to.contain('From the results server');
      expect(shown()).to.contain('Ada Lovelace, ada@example.org');
    } finally {
      report.remove();
    }
  });

  it('an ill-typed userDetails is 4107 naming the field, before anything starts', async () => {
    const ap = new AutoProctor({
      clientId: 'acme',
      testAttemptId: `ud-${Date.now()}`,
      hashedTestAttemptId: 'aGFzaA==',
    });
    let error: { code?: number; message?: string } | undefined;
    try {
      await ap.setup({
        assetBase: DIST_ASSETS,
        trackingOptions: { audio: false, numHumans: false, photosAtRandom: false, captureSwitchedTab: false },
        userDetails: { name: 'Ada', address: { city: 'London' } } as unknown as Record<string, string>,
      });
    } catch (e) {
      error = e as typeof error;
    }
    expect(error?.code).to.equal(4107);
    expect(error?.message).to.contain('userDetails.address');
    await ap.destroy();
  });
});
