import { expect } from '@open-wc/testing';
import { lazyElement } from '../src/lazy-element.js';
import { ProctorError } from '../src/index.js';

// A lazy part whose host accepts the connection and never answers (a stalled proxy) must end in a
// typed error at the deadline, and still define its tag if it arrives later.
describe('lazyElement (a part loaded from the asset base)', () => {
  it('rejects with 4100 naming the wait when the part does not arrive in time; a late arrival still defines the tag', async () => {
    const tag = `ap-lazy-late-${Math.random().toString(36).slice(2)}`;
    let arrive!: (element: CustomElementConstructor) => void;
    const part = new Promise<CustomElementConstructor>((resolve) => (arrive = resolve));
    let loads = 0;
    const load = lazyElement(tag, 'The test part', () => (loads++, part), 100);
    const error = await load().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(ProctorError);
    expect((error as ProctorError).code).to.equal(4100);
    expect((error as ProctorError).message).to.match(
      /The test part \(<ap-lazy-late-\w+>\) could not be loaded from the asset base .+: the host did not answer within 0.1 s/,
    );
    expect(customElements.get(tag)).to.equal(undefined);
    class Late extends HTMLElement {}
    arrive(Late);
    await part;
    await new Promise((resolve) => setTimeout(resolve));
    expect(customElements.get(tag)).to.equal(Late);
    // defined now: the next call resolves at once, without loading again
    expect(await load()).to.equal(Late);
    expect(loads).to.equal(1);
  });

  it('a call made while a timed-out part is still on the way waits for that same request, and resolves when it lands', async () => {
    // issue 13, new-user round 5: a retry asked for the part again, queued behind the stalled request
    // (the browser's connections to the host were all held), and failed after the part had landed
    const tag = `ap-lazy-retry-${Math.random().toString(36).slice(2)}`;
    let arrive!: (element: CustomElementConstructor) => void;
    const part = new Promise<CustomElementConstructor>((resolve) => (arrive = resolve));
    let loads = 0;
    const load = lazyElement(tag, 'The test part', () => (loads++, part), 300);
    await load().then(
      () => expect.fail('the part has not arrived'),
      (e: ProctorError) => expect(e.code).to.equal(4100),
    );
    const retry = load();
    class Part extends HTMLElement {}
    arrive(Part);
    expect(await retry).to.equal(Part);
    expect(loads, 'requests for the part').to.equal(1);
  });

  it('asks again on the next call after a load failed (offline, a wrong base)', async () => {
    const tag = `ap-lazy-again-${Math.random().toString(36).slice(2)}`;
    let loads = 0;
    class Part extends HTMLElement {}
    const load = lazyElement(tag, 'The test part', () =>
      ++loads === 1
        ? Promise.reject(new TypeError('Failed to fetch dynamically imported module'))
        : Promise.resolve(Part),
    );
    const error = await load().then(
      () => undefined,
      (e: ProctorError) => e,
    );
    expect(error?.code).to.equal(4100);
    expect(error?.message).to.contain('Failed to fetch dynamically imported module');
    expect(await load()).to.equal(Part);
    expect(loads).to.equal(2);
  });
});
