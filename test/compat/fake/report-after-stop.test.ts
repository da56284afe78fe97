import { expect } from '@open-wc/testing';
import { credentials, openPage } from '../helpers.js';

// showReport() called in the same handler as stop(), against dist/cdn/autoproctor.js: the report's
// element is fetched from the asset base while the attempt is being stopped.
describe('AutoProctor showReport() right after stop() (classic script)', function () {
  this.timeout(120000);

  it('renders the report of the stopped attempt, its element fetched once from the asset base', async () => {
    const creds = credentials('report-after-stop');
    const page = await openPage('report-after-stop.html', creds);
    try {
      await page.until(() => page.text('#status') === 'Exam open', 'the exam to open');
      page.doc.getElementById('submit')!.click();
      const report = () => page.doc.querySelector('#proctoring-summary ap-report');
      const shown = () => report()?.shadowRoot?.textContent?.replace(/\s+/g, ' ') ?? '';
      await page.until(() => shown().includes('Trust Score'), 'the report');
      await page.until(() => page.text('#status').startsWith('Submitted'), 'stop() to finish');
      expect(page.text('#status')).to.match(/^Submitted, Trust Score \d+$/);
      // the report waited for stop(): the stopped attempt's score, not "Not scored yet"
      const score = /^Submitted, Trust Score (\d+)$/.exec(page.text('#status'))![1];
      expect(shown()).to.match(new RegExp(`Trust Score\\s*${score}\\s*/100`));
      expect(shown()).not.to.contain('Not scored yet');
      expect(shown()).to.contain(creds.testAttemptId);
      expect(shown()).to.contain('Grace Hopper');
      const assets = new URL('/dist/assets/', location.href).href;
      const fetched = page.win.performance
        .getEntriesByType('resource')
        .map((e) => e.name)
        .filter((n) => n.includes('ap-report'));
      expect(fetched).to.deep.equal([`${assets}report/ap-report.mjs?1`]);
      expect(report()).to.be.instanceOf(page.win.customElements.get('ap-report')!);
      expect(page.win.__rejections).to.deep.equal([]);
    } finally {
      page.close();
    }
  });
});
