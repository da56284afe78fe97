import { expect } from '@open-wc/testing';
import { engine } from '../../helpers/engine.js';
import { credentials, openPage } from '../helpers.js';

describe('AutoProctor integration: a live warning from apEvidenceEvent', function () {
  this.timeout(60000);

  it('shows the 5002 warning while two faces are still in view, before stop()', async () => {
    const page = await openPage('live-warning.html', credentials('live'));
    try {
      await page.until(() => page.text('#status') === 'Proctoring is on.', 'proctoring to start');
      await page.until(() => page.text('#warning') !== '', 'a warning', 20000);
      expect(page.text('#warning')).to.equal('Only you may be in view of the camera.');
      const shown = [...page.doc.querySelectorAll('#evidence li')].map((li) => li.textContent);
      expect(shown.filter((t) => !t.startsWith('5112'))).to.deep.equal(['5002 began']);
      // where the browser cannot tell a second monitor (Firefox: no screen.isExtended), one 5112 note
      expect(shown.filter((t) => t === '5112 began')).to.have.length(engine === 'chromium' ? 0 : 1);
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
