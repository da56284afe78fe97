import { expect } from '@open-wc/testing';
import { executeServerCommand, sendKeys, sendMouse } from '@web/test-runner-commands';
import { monitor, sleep, until, type MonitorHarness } from '../helpers/monitor.js';
import { itExcept } from '../helpers/engine.js';

const button = (h: MonitorHarness) => h.el.shadowRoot!.querySelector<HTMLButtonElement>('button[part="fullscreen"]');
const fullscreen = () => !!document.fullscreenElement;

/** The candidate presses the monitor's button from the keyboard (a real key press: user activation). */
async function pressButton(h: MonitorHarness) {
  await h.el.updateComplete;
  button(h)!.focus();
  await sendKeys({ press: 'Enter' });
  await until(fullscreen, 5000, 'full screen');
  await until(() => !h.indicator().includes('not in full screen'), 5000, 'the indicator to clear');
}

/** A click on an exam-page button that enters full screen (the exam's own "Start" button). */
async function clickIntoFullscreen() {
  const b = document.createElement('button');
  b.textContent = 'Start';
  b.style.cssText = 'position:fixed;left:0;top:0;width:200px;height:60px';
  b.onclick = () => void document.documentElement.requestFullscreen();
  document.body.append(b);
  await sendMouse({ type: 'click', position: [50, 30] });
  await until(fullscreen, 5000, 'full screen');
  b.remove();
}

describe('forceFullScreen', function () {
  this.timeout(40000);
  afterEach(async () => {
    if (document.fullscreenElement) await document.exitFullscreen();
    await sendMouse({ type: 'move', position: [0, 0] });
  });

  it('start() without a click: shows "not in full screen" with a keyboard-usable button, records it once it lasts', async () => {
    const h = await monitor({ track: 'forceFullScreen', tuning: { fullscreenGraceMs: 1000 } });
    expect(fullscreen()).to.equal(false); // no user activation: the browser refused
    await until(() => h.indicator().includes('You are not in full screen.'), 5000, 'the indicator');
    const b = button(h)!;
    expect(b.textContent.trim()).to.equal('Return to full screen');
    expect(b.tagName).to.equal('BUTTON');
    await sleep(1800); // past the grace window
    await pressButton(h);
    expect(h.indicator()).to.equal('Proctoring is on. All clear.');
    await h.el.stop();
    expect(h.evidence.map((e) => [e.code, e.data?.reason])).to.deep.equal([[5009, 'not_entered']]);
    expect(h.evidence[0].durationMs).to.be.at.least(1000);
    expect(h.el.trustScore).to.be.below(100);
  });

  itExcept(
    {
      webkit: 'needs the answer-dialogs command (puppeteer answers alert()), which WebDriver here has not',
      firefox: 'puppeteer over WebDriver BiDi does not answer the alert() in time here: the indicator never returns',
    },
    'an exit caused by the page’s own alert() is not recorded when the candidate is back within the grace window',
    async () => {
      await executeServerCommand('answer-dialogs', { afterMs: 1500 });
      await clickIntoFullscreen();
      const h = await monitor({ track: 'forceFullScreen', tuning: { fullscreenGraceMs: 4000 } });
      expect(h.indicator()).to.equal('Proctoring is on. All clear.');
      alert('Are you sure you want to submit question 3?'); // Chromium leaves full screen for the dialog
      await until(() => h.indicator().includes('You are not in full screen.'), 5000, 'the indicator');
      await pressButton(h);
      await h.el.stop();
      expect(h.evidence).to.deep.equal([]);
      expect(h.el.trustScore).to.equal(100);
    },
  );

  it('an exit that lasts past the grace window is recorded from when it began (5009, reason exited)', async () => {
    await clickIntoFullscreen();
    const h = await monitor({ track: 'forceFullScreen', tuning: { fullscreenGraceMs: 800 } });
    await document.exitFullscreen(); // Esc
    await until(() => h.indicator().includes('You are not in full screen.'), 5000, 'the indicator');
    await sleep(1600);
    await pressButton(h);
    await h.el.stop();
    expect(h.evidence.map((e) => [e.code, e.data?.reason])).to.deep.equal([[5009, 'exited']]);
    expect(h.evidence[0].durationMs).to.be.at.least(1400);
  });

  it('a monitor destroyed within the grace window records nothing and leaves no timer behind', async () => {
    const errors: string[] = [];
    const onError = (e: ErrorEvent) => errors.push(e.message);
    addEventListener('error', onError);
    const h = await monitor({ track: 'forceFullScreen', tuning: { fullscreenGraceMs: 1500 } });
    await h.el.destroy();
    await sleep(2000);
    removeEventListener('error', onError);
    expect(h.evidence).to.deep.equal([]);
    expect(errors).to.deep.equal([]);
  });
});
