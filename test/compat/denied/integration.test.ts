import { expect } from '@open-wc/testing';
import { credentials, openPage } from '../helpers.js';

describe('AutoProctor integration with the camera denied', function () {
  this.timeout(60000);

  it('reports the denial through apErrorEvent.detail.errorCode only: no unhandled rejection', async () => {
    const page = await openPage('denied.html', credentials('denied'));
    try {
      await page.until(() => /^40\d\d /.test(page.text('#status')), 'the error to show');
      expect(page.text('#status')).to.be.oneOf([
        '4002 Please allow camera access.',
        '4006 Please allow camera and microphone access.',
      ]);
      await new Promise((r) => setTimeout(r, 1000));
      expect(page.win.__rejections).to.deep.equal([]);
      expect(page.doc.querySelector('ap-monitor')?.getAttribute('state')).to.be.oneOf(['idle', 'error']);
    } finally {
      page.close();
    }
  });

  it('an awaiting caller still gets the rejection, with the same code', async () => {
    const page = await openPage('denied.html', credentials('denied-await'));
    try {
      type Ap = { setup(o: object): Promise<void> };
      const Ctor = page.win.AutoProctor as unknown as new (c: object) => Ap;
      const ap = new Ctor(credentials('denied-await-2'));
      const error = await ap.setup({ trackingOptions: { audio: false } }).then(
        () => undefined,
        (e: { code: number }) => e,
      );
      expect(error?.code).to.equal(4002);
    } finally {
      page.close();
    }
  });
});
