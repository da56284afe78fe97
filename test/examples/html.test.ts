import { expect } from '@open-wc/testing';
import { until } from '../helpers/monitor.js';
import { runExampleSetup } from './helpers.js';

describe('examples/html (the CDN build in a plain page)', () => {
  it('defines the tags from one script, takes a property set before definition, and fires events', async () => {
    const frame = document.createElement('iframe');
    frame.src = '/examples/html/index.html';
    document.body.append(frame);
    await new Promise((r) => frame.addEventListener('load', r, { once: true }));
    const doc = frame.contentDocument!;
    await until(() => !!frame.contentWindow!.customElements.get('ap-requirements-check'), 10000, 'the tags');
    const { checks } = await runExampleSetup(doc);
    expect((checks as HTMLElement & { settings: { bandwidth: object } }).settings.bandwidth).to.deep.equal({
      minDownloadMbps: 1,
    });
    frame.remove();
  });
});
