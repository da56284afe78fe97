import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { sleep, until, visitOtherTab } from '../helpers/monitor.js';
import { itExcept } from '../helpers/engine.js';
import { focusExam } from '../helpers/focus-exam.js';

/** The exam page in an iframe of this (the "LMS") page; what it posts back. */
async function embed(origin: string) {
  document.body.style.margin = '0';
  const lms = document.createElement('div');
  lms.innerHTML = `<input id="lms-input" aria-label="LMS search" style="position:fixed;left:10px;top:10px;width:200px;height:40px">`;
  document.body.append(lms);
  const exam = focusExam('focus', {
    origin,
    prepare: (frame) => {
      frame.title = 'exam';
      frame.style.cssText = 'position:fixed;left:0;top:80px;width:400px;height:300px;border:0';
    },
  });
  const { frame, messages } = exam;
  await exam.started(1, 15000);
  return {
    messages,
    // a violation is announced when it begins and sent again (same id) when it ends: the last of each
    evidence: () => latest(messages.filter((m) => m.type === 'evidence')),
    // positions in this page's viewport: the LMS input, the exam's own input, the exam's inner iframe
    clickLms: () => sendMouse({ type: 'click', position: [50, 30] }),
    clickExam: () => sendMouse({ type: 'click', position: [50, 80 + 30] }),
    clickExamInnerFrame: () => sendMouse({ type: 'click', position: [50, 80 + 92] }),
    async stop() {
      frame.contentWindow!.postMessage('stop', '*');
      await until(() => messages.some((m) => m.type === 'stopped'), 15000, 'the framed exam to stop');
      exam.remove();
      lms.remove();
      await sendMouse({ type: 'move', position: [0, 0] });
    },
  };
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

describe('tab switches of a monitor embedded in an iframe (an LMS page around the exam)', function () {
  this.timeout(60000);

  for (const [name, origin] of [
    ['same-origin', () => location.origin],
    ['cross-origin', otherOrigin],
  ] as const) {
    itExcept(
      { webkit: 'needs the open-other-tab command (a second tab through puppeteer), which WebDriver here has not' },
      `${name}: focus moving to the embedding page or to an iframe in the exam is no tab switch; a hidden page is`,
      async () => {
        const exam = await embed(origin());
        await exam.clickExam();
        await sleep(500);
        await exam.clickLms(); // the candidate clicks the LMS page around the exam
        await sleep(1500); // well past the 300 ms grace
        await exam.clickExamInnerFrame(); // into an iframe inside the exam
        await sleep(1500);
        await exam.clickExam();
        await sleep(500);
        expect(exam.evidence().filter((m) => m.code === 5005)).to.deep.equal([]);
        await visitOtherTab(() => exam.evidence().some((m) => m.code === 5005));
        await until(() => exam.evidence().some((m) => m.code === 5006), 10000, 'returned to the test (5006)');
        await exam.stop();
        const codes = exam.evidence().map((m) => m.code);
        if (name === 'cross-origin') {
          // the frame cannot see the LMS page's focus: it says so, and counts only a hidden page
          expect(codes).to.deep.equal([5112, 5005, 5006]);
          expect(exam.evidence()[0].data).to.include({ capability: 'window_focus', reason: 'cross_origin_embedder' });
        } else {
          expect(codes).to.deep.equal([5005, 5006]);
        }
        expect(exam.evidence().find((m) => m.code === 5005)!.data).to.deep.equal({ how: 'hidden' });
      },
    );
  }
});
