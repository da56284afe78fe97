import { expect } from '@open-wc/testing';
import { runExampleSetup } from './helpers.js';

describe('examples/vue (esbuild bundle of the Vue 3 app, in-DOM template)', () => {
  it('mounts, binds properties and listens to the events by their names', async () => {
    const root = document.createElement('div');
    document.body.append(root);
    const { mount } = (await import(new URL('/examples/vue/dist/app.js', location.href).href)) as {
      mount: (root: HTMLElement, props: object) => () => void;
    };
    const unmount = mount(root, { settings: { bandwidth: { minDownloadMbps: 1 } } });
    const { checks } = await runExampleSetup(root);
    expect((checks as HTMLElement & { settings: object }).settings).to.deep.equal({
      bandwidth: { minDownloadMbps: 1 },
    });
    unmount();
    root.remove();
  });
});
