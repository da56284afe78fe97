import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { AutoProctor, type AutoProctorEvidenceDetail } from '../../../src/index.js';
import { inUserGesture, itExcept, NO_OTHER_TAB_WEBKIT } from '../../helpers/engine.js';
import { DIST_ASSETS } from '../../helpers/media.js';
import { credentials } from '../helpers.js';

describe('AutoProctor captureSwitchedTab and a tab switch', function () {
  this.timeout(60000);

  itExcept(
    { webkit: NO_OTHER_TAB_WEBKIT },
    'keeps a frame of the shared screen while the candidate is away, and records 5005 with its end',
    async () => {
      const evidence: AutoProctorEvidenceDetail[] = [];
      const onEvidence = (e: Event) => evidence.push((e as CustomEvent<AutoProctorEvidenceDetail>).detail);
      addEventListener('apEvidenceEvent', onEvidence);
      try {
        const ap = new AutoProctor(credentials('switched'));
        await ap.setup({
          trackingOptions: {
            numHumans: false,
            audio: false,
            photosAtRandom: false,
            tabSwitch: true,
            captureSwitchedTab: true,
          },
          assetBase: DIST_ASSETS,
        });
        // the screen is shared at start: from the candidate's click, as Firefox requires
        await inUserGesture(() => ap.start());
        await executeServerCommand('open-other-tab');
        const end = performance.now() + 10000;
        while (!evidence.some((e) => e.data?.kind === 'switched_tab') && performance.now() < end)
          await new Promise((r) => setTimeout(r, 100));
        const capture = evidence.find((e) => e.data?.kind === 'switched_tab');
        expect(capture, 'a frame of the screen, taken while away').to.include({ evidenceCode: 5003, phase: 'moment' });
        expect(capture!.data).to.deep.equal({ source: 'screen', kind: 'switched_tab' });
        expect(capture!.photo).to.match(/^data:image\/jpeg;base64,/);
        await executeServerCommand('close-other-tab');
        await new Promise((r) => setTimeout(r, 1000));
        await ap.stop();
        await new Promise((r) => setTimeout(r, 0));
        const switches = evidence.filter((e) => e.evidenceCode === 5005);
        const ended = switches.filter((e) => e.phase === 'end');
        expect(ended).to.have.length(1);
        expect(ended[0].durationMs).to.be.a('number');
        // announced at its begin too when the tab-switch tracker does: then with the same id
        for (const s of switches) expect(s.id).to.equal(ended[0].id);
        await ap.destroy();
      } finally {
        removeEventListener('apEvidenceEvent', onEvidence);
      }
    },
  );
});
