import { expect } from '@open-wc/testing';
import { until, visitOtherTab } from '../../helpers/monitor.js';
import { itExcept, NO_OTHER_TAB_WEBKIT } from '../../helpers/engine.js';
import { monitorFor, newAttempt, stored } from '../../helpers/results-server.js';

describe('evidence reaches the reference results server', function () {
  this.timeout(60000);

  itExcept(
    { webkit: NO_OTHER_TAB_WEBKIT },
    'delivers every record over HTTP (HMAC-checked), finishes with the Trust Score, and the server stores it',
    async () => {
      const creds = await newAttempt();
      const { el } = monitorFor(creds);
      const delivered: string[] = [];
      // a violation is announced when it begins and again (same id) when it ends
      el.addEventListener('ap-evidence', (e) => !delivered.includes(e.detail.id) && delivered.push(e.detail.id));
      await el.setup({ track: 'tabSwitch', endpoint: creds.endpoint, outboxName: `outbox-${creds.testAttemptId}` });
      await el.start();
      const visit = performance.now();
      await visitOtherTab(() => delivered.length === 1, { minMs: 1200 });
      // the tab was away at least 1.2 s and at most as long as this visit took (a loaded machine
      // delivers the first record later, so the visit lasts longer)
      const visitMs = performance.now() - visit;
      await until(() => delivered.length === 2, 15000, 'two records');
      const { trustScore } = await el.stop();
      const server = await stored(creds.testAttemptId);
      expect(server.evidence.map((e) => e.id)).to.deep.equal(delivered);
      expect(server.evidence.map((e) => e.code)).to.deep.equal([5005, 5006]);
      expect(server.evidence[0].duration_ms).to.be.within(900, visitMs + 500);
      expect(server.session).to.include({
        status: 'exam_finished',
        review_status: 'unreviewed',
        trust_score: trustScore,
      });
      expect(server.session!.counts).to.deep.equal({ tab_switch: 1, returned_to_test: 1 });
      const report = await el.report();
      expect(report.evidence.every((e) => e.delivered)).to.equal(true);
      el.remove();
    },
  );

  itExcept(
    { webkit: NO_OTHER_TAB_WEBKIT },
    'runs with a forged hash, and reports the refusal as ap-error 4116 (nothing stored)',
    async () => {
      const creds = await newAttempt();
      const { el, errors } = monitorFor(creds, { hashedTestAttemptId: 'Zm9yZ2Vk' });
      const codes = () => errors.map((e) => e.code);
      await el.setup({ track: 'tabSwitch', endpoint: creds.endpoint, outboxName: `outbox-${creds.testAttemptId}` });
      // proctoring never waits for the server: it runs, and the refusal comes as an error
      await el.start();
      expect(el.state).to.equal('monitoring');
      await until(() => codes().includes(4116), 10000, 'ap-error 4116');
      expect(codes().filter((c) => c === 4116)).to.have.length(1);
      // evidence stays on the device, and the candidate is told it cannot be sent (not "it will be")
      let left = false;
      el.addEventListener('ap-evidence', (e) => (left ||= e.detail.code === 5005));
      await visitOtherTab(() => left);
      const line = () => el.shadowRoot!.querySelector('[part="delivery"]')?.textContent ?? '';
      await until(() => line().includes('cannot be sent'), 10000, 'the refusal told to the candidate');
      expect(line()).to.contain('refused this exam');
      const server = await stored(creds.testAttemptId);
      expect(server.session).to.equal(undefined);
      el.remove();
    },
  );
});
