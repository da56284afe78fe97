import { expect } from '@open-wc/testing';
import { runExampleSetup } from './helpers.js';

describe('examples/react (esbuild bundle of the React 19 app with proctor-elements/react)', () => {
  it('mounts, passes props as properties, and its on… handlers receive the events', async () => {
    const root = document.createElement('div');
    document.body.append(root);
    const { mount } = (await import(new URL('/examples/react/dist/app.js', location.href).href)) as {
      mount: (root: HTMLElement, props: object) => () => void;
    };
    const unmount = mount(root, { settings: { bandwidth: { minDownloadMbps: 1 } } });
    const { checks } = await runExampleSetup(root);
    // an object prop reached the element as a property, not as an attribute string
    expect((checks as HTMLElement & { settings: object }).settings).to.deep.equal({
      bandwidth: { minDownloadMbps: 1 },
    });
    expect(checks.hasAttribute('settings')).to.equal(false);
    expect((checks as HTMLElement & { bandwidthUrl: string }).bandwidthUrl).to.equal('/api/bandwidth/');
    unmount();
    expect(root.querySelector('ap-requirements-check')).to.equal(null);
    root.remove();
  });

  it('without a settings prop (a new default {} on every render) the check still completes', async () => {
    const root = document.createElement('div');
    document.body.append(root);
    const { mount } = (await import(new URL('/examples/react/dist/app.js', location.href).href)) as {
      mount: (root: HTMLElement, props: object) => () => void;
    };
    // each ap-check-change re-renders the app, passing a new {} as settings
    const unmount = mount(root, {});
    const { checks } = await runExampleSetup(root);
    expect((checks as HTMLElement & { results: { status: string }[] }).results[0].status).to.equal('succeeded');
    unmount();
    root.remove();
  });
});
