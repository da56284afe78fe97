import { expect } from '@open-wc/testing';
import { credentials, openPage } from '../helpers.js';

describe('AutoProctor integration: a live warning from apEvidenceEvent', function () {
  this.timeout(60000);

  it('shows the 5002 warning while two faces are still in view, before stop()', async () => {
    const page = await openPage('live-warning.html', credentials('live'));
    try {
      await page.until(() => page.text('#status') === 'Proctoring is on.', 'proctoring to start');
      await page.until(() => page.text('#warning') !== '', 'a warning', 20000);
      expect(page.text('#warning')).to.equal('Only you may be in view of the camera.');
      expect(page.text('#evidence')).to.equal('5002 began');
      const ap = page.win.apInst as { isApTestStarted: boolean; stop(): Promise<unknown> };
      expect(ap.isApTestStarted).to.equal(true); // monitoring still runs: nobody called stop()
      await ap.stop();
      await page.until(() => page.text('#evidence').includes('5002 ended'), 'the end of the violation');
      expect(page.text('#warning')).to.equal('');
    } finally {
      page.close();
    }
  });
});
