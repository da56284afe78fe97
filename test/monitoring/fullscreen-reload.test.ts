import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { sleep, until } from '../helpers/monitor.js';
import { describeExcept } from '../helpers/engine.js';
import { focusExam } from '../helpers/focus-exam.js';

describeExcept(
  {
    webkit:
      'fails now and then in WebKitGTK under Xvfb (the state after the reload; passed in the run before): not diagnosed',
  },
  'forceFullScreen across a reload',
  function () {
    this.timeout(60000);
    it('an exit open at the reload is kept (closed at the reload), and the state after it is recorded too', async () => {
      document.body.style.margin = '0';
      const exam = focusExam('fs-reload', {
        query: { track: 'forceFullScreen' },
        prepare: (frame) => {
          frame.allow = 'fullscreen';
          frame.style.cssText = 'position:fixed;left:0;top:0;width:400px;height:300px;border:0';
        },
      });
      const { frame, messages } = exam;
      const started = (n: number) => exam.started(n, 15000);
      await started(1);
      await sendMouse({ type: 'click', position: [400 - 60, 20] }); // the exam's own "Full screen" button
      await until(() => !!frame.contentDocument!.fullscreenElement, 15000, 'full screen');
      frame.contentWindow!.postMessage('exit-fullscreen', '*');
      // (a slow click may first record the time before full screen was entered: reason not_entered)
      const exit = () => messages.find((m) => m.code === 5009 && m.data?.reason === 'exited');
      await until(() => !!exit(), 15000, 'the exit announced (after its grace)');
      const exitId = exit()!.id;
      const before = new Set(messages.map((m) => m.id));
      await sleep(500);
      frame.contentWindow!.location.reload();
      await started(2);
      expect(exam.resumes()).to.deep.equal([false, true]);
      // after the reload the page is not in full screen (a reload leaves it): recorded after the grace
      const afterReload = () => messages.filter((m) => m.code === 5009 && !before.has(m.id));
      await until(() => afterReload().length > 0, 15000, 'the new gap announced');
      const closed = messages.filter((m) => m.id === exitId).at(-1)!;
      expect(closed.data).to.include({ reason: 'exited', closedOnResume: true });
      const after = afterReload().at(-1)!;
      expect(after.data).to.deep.equal({ reason: 'not_entered' });
      exam.remove();
      await sendMouse({ type: 'move', position: [0, 0] });
    });
  },
);
