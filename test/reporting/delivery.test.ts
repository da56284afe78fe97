import { expect } from '@open-wc/testing';
import { Delivery, LocalBackend, Outbox, type EvidenceRecord, type ResultsBackend } from '../../src/index.js';

const record = (attemptId: string, seq: number): EvidenceRecord => ({
  id: crypto.randomUUID(),
  attemptId,
  seq,
  code: 5005,
  type: 'tab_switch',
  startedAt: Date.now(),
});

/** A backend that is offline until `online` is set (like a results server out of reach). */
class FlakyBackend extends LocalBackend implements ResultsBackend {
  online = false;
  calls = 0;
  override appendEvidence(attemptId: string, records: EvidenceRecord[]): Promise<void> {
    this.calls++;
    if (!this.online) return Promise.reject(new TypeError('Failed to fetch'));
    return super.appendEvidence(attemptId, records);
  }
}

describe('evidence delivery', () => {
  it('keeps records in the outbox while offline and delivers them all, with back-off, once back', async () => {
    const id = `offline-${Date.now()}`;
    const outbox = await Outbox.open(`outbox-${id}`);
    const backend = new FlakyBackend(`local-${id}`);
    const errors: unknown[] = [];
    const delivery = new Delivery(outbox, backend, id, { backoffMs: 50, batchSize: 3, onError: (e) => errors.push(e) });
    const attempt = { attemptId: id, clientId: 'c', startedAt: Date.now(), seq: 7 };
    const records = Array.from({ length: 7 }, (_, i) => record(id, i + 1));
    await outbox.add(attempt, records);

    expect(await delivery.flush()).to.equal(false);
    expect(errors).to.have.length(1);
    expect((await outbox.pending(id)).length).to.equal(7);
    await new Promise((r) => setTimeout(r, 200)); // back-off retries keep failing quietly
    expect(backend.calls).to.be.greaterThan(1);

    backend.online = true;
    const until = performance.now() + 5000;
    while ((await outbox.pending(id)).length && performance.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(await outbox.pending(id)).to.deep.equal([]);
    expect((await backend.records(id)).map((r) => r.seq)).to.deep.equal([1, 2, 3, 4, 5, 6, 7]);
    expect((await outbox.all(id)).every((r) => r.delivered)).to.equal(true);
    delivery.stop();
    outbox.close();
  });

  it('is idempotent by evidence id: a replayed batch adds nothing', async () => {
    const id = `replay-${Date.now()}`;
    const backend = new LocalBackend(`local-${id}`);
    const batch = [record(id, 1), record(id, 2)];
    await backend.appendEvidence(id, batch);
    await backend.appendEvidence(id, batch);
    expect(await backend.records(id)).to.have.length(2);
  });
});
