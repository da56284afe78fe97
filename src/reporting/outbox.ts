/**
 * The evidence outbox: every record is written here (IndexedDB) before any delivery, with a
 * `delivered` flag, plus the attempt's own state so a reload resumes the same attempt.
 */
import { openDatabase, request, transactionDone } from './idb.js';
import type { AttemptSummary, EvidenceRecord } from './types.js';

export interface StoredAttempt {
  attemptId: string;
  clientId: string;
  startedAt: number;
  /** Highest seq written so far. */
  seq: number;
  finished?: AttemptSummary;
}

interface StoredRecord extends EvidenceRecord {
  delivered: 0 | 1;
}

export const DEFAULT_OUTBOX_NAME = 'proctor-elements';

export class Outbox {
  private constructor(private readonly db: IDBDatabase) {}

  static async open(name = DEFAULT_OUTBOX_NAME): Promise<Outbox> {
    const db = await openDatabase(name, 1, (db) => {
      db.createObjectStore('attempts', { keyPath: 'attemptId' });
      const evidence = db.createObjectStore('evidence', { keyPath: 'id' });
      evidence.createIndex('byAttempt', ['attemptId', 'seq']);
      evidence.createIndex('pending', ['attemptId', 'delivered']);
    });
    return new Outbox(db);
  }

  async getAttempt(attemptId: string): Promise<StoredAttempt | undefined> {
    return request(this.db.transaction('attempts').objectStore('attempts').get(attemptId)) as Promise<
      StoredAttempt | undefined
    >;
  }

  async putAttempt(attempt: StoredAttempt): Promise<void> {
    const tx = this.db.transaction('attempts', 'readwrite');
    tx.objectStore('attempts').put(attempt);
    await transactionDone(tx);
  }

  /** Writes records and raises the attempt's seq in one transaction. */
  async add(attempt: StoredAttempt, records: EvidenceRecord[]): Promise<void> {
    const tx = this.db.transaction(['attempts', 'evidence'], 'readwrite');
    for (const r of records) tx.objectStore('evidence').put({ ...r, delivered: 0 } satisfies StoredRecord);
    tx.objectStore('attempts').put(attempt);
    await transactionDone(tx);
  }

  async pending(attemptId: string, limit = 100): Promise<EvidenceRecord[]> {
    const index = this.db.transaction('evidence').objectStore('evidence').index('pending');
    const rows = (await request(index.getAll([attemptId, 0], limit))) as StoredRecord[];
    return rows.sort((a, b) => a.seq - b.seq).map(strip);
  }

  async markDelivered(ids: string[]): Promise<void> {
    const tx = this.db.transaction('evidence', 'readwrite');
    const store = tx.objectStore('evidence');
    for (const id of ids) {
      const row = (await request(store.get(id))) as StoredRecord | undefined;
      if (row) store.put({ ...row, delivered: 1 });
    }
    await transactionDone(tx);
  }

  /** Every record of an attempt, in seq order, delivered or not. */
  async all(attemptId: string): Promise<(EvidenceRecord & { delivered: boolean })[]> {
    const index = this.db.transaction('evidence').objectStore('evidence').index('byAttempt');
    const range = IDBKeyRange.bound([attemptId, 0], [attemptId, Number.MAX_SAFE_INTEGER]);
    const rows = (await request(index.getAll(range))) as StoredRecord[];
    return rows.map((r) => ({ ...strip(r), delivered: r.delivered === 1 }));
  }

  close(): void {
    this.db.close();
  }
}

function strip({ delivered: _delivered, ...record }: StoredRecord): EvidenceRecord {
  return record;
}
