/**
 * The default backend when no endpoint is set: evidence stays on the device, in IndexedDB. It
 * keeps its own copy (keyed by evidence id, so replays add nothing) that `records()` reads.
 */
import { openDatabase, request, transactionDone } from './idb.js';
import type { AttemptInfo, AttemptSummary, EvidenceRecord, ResultsBackend } from './types.js';

export class LocalBackend implements ResultsBackend {
  private db?: Promise<IDBDatabase>;

  constructor(private readonly name = 'proctor-elements-local') {}

  private open() {
    return (this.db ??= openDatabase(this.name, 1, (db) => {
      db.createObjectStore('attempts', { keyPath: 'testAttemptId' });
      db.createObjectStore('evidence', { keyPath: 'id' }).createIndex('byAttempt', 'attemptId');
    }));
  }

  async createAttempt(attempt: AttemptInfo): Promise<void> {
    const tx = (await this.open()).transaction('attempts', 'readwrite');
    const store = tx.objectStore('attempts');
    if (!(await request(store.get(attempt.testAttemptId)))) store.put(attempt);
    await transactionDone(tx);
  }

  async appendEvidence(_attemptId: string, records: EvidenceRecord[]): Promise<void> {
    const tx = (await this.open()).transaction('evidence', 'readwrite');
    for (const r of records) tx.objectStore('evidence').put(r);
    await transactionDone(tx);
  }

  async finish(attemptId: string, summary: AttemptSummary): Promise<void> {
    const tx = (await this.open()).transaction('attempts', 'readwrite');
    const store = tx.objectStore('attempts');
    const attempt = (await request(store.get(attemptId))) as AttemptInfo | undefined;
    store.put({ ...attempt, testAttemptId: attemptId, ...summary });
    await transactionDone(tx);
  }

  /** What this backend holds for an attempt. */
  async records(attemptId: string): Promise<EvidenceRecord[]> {
    const index = (await this.open()).transaction('evidence').objectStore('evidence').index('byAttempt');
    const rows = (await request(index.getAll(attemptId))) as EvidenceRecord[];
    return rows.sort((a, b) => a.seq - b.seq);
  }
}
