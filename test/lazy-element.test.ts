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

  it('tries again on the next call after a deadline passed', async () => {
    const tag = `ap-lazy-retry-${Math.random().toString(36).slice(2)}`;
    let loads = 0;
    class Part extends HTMLElement {}
    const load = lazyElement(
      tag,
      'The test part',
      () => (++loads === 1 ? new Promise<never>(() => undefined) : Promise.resolve(Part)),
      100,
    );
    await load().then(
      () => expect.fail('the first load never answers'),
      (e: ProctorError) => expect(e.code).to.equal(4100),
    );
    expect(await load()).to.equal(Part);
    expect(loads).to.equal(2);
  });
});
