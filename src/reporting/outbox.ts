/**
 * The evidence outbox: every record (and every photo, apart from its record) is kept here until the
 * backend has acknowledged it, plus the attempt's own state so a reload resumes the same attempt.
 *
 * Memory is the working copy; IndexedDB is its persistent mirror (written through, in order). So
 * `pagehide` can read what is pending without awaiting storage (Firefox and WebKit tear the page
 * down before an IndexedDB read resolves), and a device whose storage is full, missing or blocked
 * (private modes, quota) keeps working from memory: {@link Outbox.storageError} then says so
 * (code {@link ErrorCode.STORAGE_UNAVAILABLE}) and nothing is dropped while the page lives.
 */
import { ErrorCode, ProctorError, messageOf, withTimeout } from '../errors.js';
import type { SessionStatus } from '../statuses.js';
import { openDatabase, request, transactionDone } from './idb.js';
import type { AttemptSummary, EvidenceRecord, UserDetails } from './types.js';

export interface StoredAttempt {
  attemptId: string;
  clientId: string;
  /** Epoch ms. */
  startedAt: number;
  /** Highest seq written so far. */
  seq: number;
  /** Set by `stop()`: the summary the finish carries. */
  finished?: AttemptSummary;
  /** The backend acknowledged the finish. */
  finishDelivered?: boolean;
  /** The latest session status set on the device, and whether the backend has it. */
  status?: SessionStatus;
  statusDelivered?: boolean;
  /** AutoProctor's `userDetails` and `showHowToVideo`, as setup() was given them (for the report). */
  userDetails?: UserDetails;
  showHowToVideo?: boolean;
}

/** A record as the outbox keeps it. */
export interface OutboxRecord extends EvidenceRecord {
  delivered: boolean;
  /** The backend refused it for good (`{code, message}` of the refusal); it is kept, not retried. */
  rejected?: { code: string; message: string };
  /** A violation that has begun and not yet ended (its end re-sends the same id). */
  ongoing?: boolean;
}

/** A photo waiting for (or delivered to) the backend's photo route. */
export interface OutboxPhoto {
  /** The evidence record's id. */
  id: string;
  attemptId: string;
  /** A JPEG data URL. */
  dataUrl: string;
  delivered: boolean;
  rejected?: { code: string; message: string };
}

/** Records as sent: each as `{id, endedAt}` (the version sent), or a bare id (whatever is stored). */
export type SentRecords = (string | Pick<EvidenceRecord, 'id' | 'endedAt'>)[];

/** The ids of `sent`, and whether a stored record is still the version that was sent. */
function asSent(sent: SentRecords) {
  const versions = new Map(sent.map((r) => (typeof r === 'string' ? [r, undefined] : [r.id, r])));
  return {
    ids: [...versions.keys()],
    same: (stored: Pick<EvidenceRecord, 'id' | 'endedAt'>) => {
      const version = versions.get(stored.id);
      return !version || version.endedAt === stored.endedAt;
    },
  };
}

interface AttemptState {
  attempt?: StoredAttempt;
  records: Map<string, OutboxRecord>;
  photos: Map<string, OutboxPhoto>;
}

export const DEFAULT_OUTBOX_NAME = 'proctor-elements';
const VERSION = 2;

export class Outbox {
  /** Set when evidence is kept in memory only (storage full, missing or blocked). */
  storageError?: ProctorError;
  /** Called once when storage fails and the outbox falls back to memory. */
  onStorageError?: (error: ProctorError) => void;
  private readonly state = new Map<string, AttemptState>();
  private readonly loading = new Map<string, Promise<AttemptState>>();
  private writes: Promise<void> = Promise.resolve();

  private constructor(private db: IDBDatabase | undefined) {}

  /**
   * Opens the outbox. Never rejects for a storage problem: without IndexedDB (or when opening it
   * fails) the outbox works in memory and {@link storageError} says why.
   */
  static async open(name = DEFAULT_OUTBOX_NAME): Promise<Outbox> {
    if (typeof indexedDB === 'undefined') {
      const outbox = new Outbox(undefined);
      outbox.storageError = storageError('this browser offers no IndexedDB');
      return outbox;
    }
    try {
      const db = await withTimeout(
        openDatabase(name, VERSION, (db, tx) => {
          if (!db.objectStoreNames.contains('attempts')) db.createObjectStore('attempts', { keyPath: 'attemptId' });
          const evidence = db.objectStoreNames.contains('evidence')
            ? tx.objectStore('evidence')
            : db.createObjectStore('evidence', { keyPath: 'id' });
          if (!evidence.indexNames.contains('byAttempt')) evidence.createIndex('byAttempt', ['attemptId', 'seq']);
          if (!db.objectStoreNames.contains('photos'))
            db.createObjectStore('photos', { keyPath: 'id' }).createIndex('byAttempt', 'attemptId');
        }),
        5000,
        ErrorCode.STORAGE_UNAVAILABLE,
        'IndexedDB did not open within 5 s (blocked by another tab or the browser)',
      );
      return new Outbox(db);
    } catch (error) {
      const outbox = new Outbox(undefined);
      outbox.storageError = storageError(messageOf(error));
      return outbox;
    }
  }

  /** Whether records survive a reload (false: memory only). */
  get persistent(): boolean {
    return !!this.db;
  }

  async getAttempt(attemptId: string): Promise<StoredAttempt | undefined> {
    return (await this.load(attemptId)).attempt;
  }

  async putAttempt(attempt: StoredAttempt): Promise<void> {
    (await this.load(attempt.attemptId)).attempt = { ...attempt };
    await this.persist(['attempts'], (tx) => tx.objectStore('attempts').put({ ...attempt }));
  }

  /** Merges `patch` into the stored attempt (which must exist). */
  async updateAttempt(attemptId: string, patch: Partial<StoredAttempt>): Promise<void> {
    const state = await this.load(attemptId);
    if (!state.attempt) return;
    const attempt = (state.attempt = { ...state.attempt, ...patch });
    await this.persist(['attempts'], (tx) => tx.objectStore('attempts').put({ ...attempt }));
  }

  /**
   * Writes records (a record whose id is already here is replaced: an ongoing violation's end) and
   * their photos, and raises the attempt's seq. Memory first: the returned promise is the
   * IndexedDB mirror, which never rejects (a failure switches to memory and reports once).
   */
  add(attempt: StoredAttempt, records: (EvidenceRecord & { ongoing?: boolean })[], photos: OutboxPhoto[] = []) {
    const state = this.stateOf(attempt.attemptId);
    // only the seq comes from the caller: delivery flags on the stored attempt stay as they are
    state.attempt = { ...(state.attempt ?? attempt), seq: Math.max(state.attempt?.seq ?? 0, attempt.seq) };
    const stored = { ...state.attempt };
    const rows: OutboxRecord[] = records.map(({ photo: _photo, ...r }) => ({ ...r, delivered: false }));
    for (const r of rows) state.records.set(r.id, r);
    for (const p of photos) state.photos.set(p.id, { ...p });
    return this.persist(['attempts', 'evidence', 'photos'], (tx) => {
      for (const r of rows) tx.objectStore('evidence').put(r);
      for (const p of photos) tx.objectStore('photos').put(p);
      tx.objectStore('attempts').put(stored);
    });
  }

  /** The attempt, from memory (undefined before it was loaded or written). */
  attempt(attemptId: string): StoredAttempt | undefined {
    return this.state.get(attemptId)?.attempt;
  }

  /** A record's photo, from memory. */
  photo(attemptId: string, id: string): OutboxPhoto | undefined {
    return this.state.get(attemptId)?.photos.get(id);
  }

  /** A record by id, from memory (undefined before the attempt was loaded). */
  record(attemptId: string, id: string): OutboxRecord | undefined {
    return this.state.get(attemptId)?.records.get(id);
  }

  /** Loads the attempt from storage into memory (once); later reads are synchronous. */
  async load(attemptId: string): Promise<AttemptState> {
    const known = this.state.get(attemptId);
    if (known) return known;
    let loading = this.loading.get(attemptId);
    if (!loading) {
      loading = this.read(attemptId).then((state) => {
        // writes made while reading win over what was read
        const current = this.state.get(attemptId);
        if (current) {
          for (const [k, v] of state.records) if (!current.records.has(k)) current.records.set(k, v);
          for (const [k, v] of state.photos) if (!current.photos.has(k)) current.photos.set(k, v);
          current.attempt ??= state.attempt;
          return current;
        }
        this.state.set(attemptId, state);
        return state;
      });
      this.loading.set(attemptId, loading);
    }
    return loading;
  }

  /** Records not yet delivered nor refused, in seq order (synchronous: the attempt must be loaded). */
  pendingNow(attemptId: string): EvidenceRecord[] {
    const state = this.state.get(attemptId);
    if (!state) return [];
    return [...state.records.values()]
      .filter((r) => !r.delivered && !r.rejected)
      .sort((a, b) => a.seq - b.seq)
      .map(strip);
  }

  /** Violations begun and not ended (their page went away first), delivered or not. */
  ongoing(attemptId: string): EvidenceRecord[] {
    const state = this.state.get(attemptId);
    return [...(state?.records.values() ?? [])].filter((r) => r.ongoing && r.endedAt === undefined).map(strip);
  }

  async pending(attemptId: string, limit = Infinity): Promise<EvidenceRecord[]> {
    await this.load(attemptId);
    return this.pendingNow(attemptId).slice(0, limit);
  }

  /** Photos whose record was delivered and that are not yet delivered nor refused. */
  pendingPhotos(attemptId: string): OutboxPhoto[] {
    const state = this.state.get(attemptId);
    if (!state) return [];
    return [...state.photos.values()].filter(
      (p) => !p.delivered && !p.rejected && state.records.get(p.id)?.delivered === true,
    );
  }

  /**
   * Marks records delivered. Give each as it was sent (`{id, endedAt}`): a record rewritten since
   * (an ongoing violation's end, written while its begin was on the way) stays pending, so its end
   * is sent too. A bare id marks whatever is stored under it.
   */
  markDelivered(attemptId: string, sent: SentRecords): Promise<void> {
    const { ids, same } = asSent(sent);
    return this.update(attemptId, ids, 'records', (r) => {
      if (same(r)) r.delivered = true;
    });
  }

  /**
   * Sets records aside as refused by the server (`reason`: its code and message); they are not
   * sent again. As with {@link markDelivered}, a record rewritten since it was sent (`{id, endedAt}`)
   * is not set aside: its new version gets its own try.
   */
  markRejected(attemptId: string, sent: SentRecords, reason: { code: string; message: string }): Promise<void> {
    const { ids, same } = asSent(sent);
    return this.update(attemptId, ids, 'records', (r) => {
      if (same(r)) r.rejected = reason;
    });
  }

  markPhoto(attemptId: string, id: string, outcome: 'delivered' | { code: string; message: string }): Promise<void> {
    return this.update(attemptId, [id], 'photos', (p) => {
      if (outcome === 'delivered') p.delivered = true;
      else p.rejected = outcome;
    });
  }

  /** Every record of an attempt, in seq order, with its delivery state. */
  async all(attemptId: string): Promise<(EvidenceRecord & { delivered: boolean })[]> {
    const state = await this.load(attemptId);
    return [...state.records.values()]
      .sort((a, b) => a.seq - b.seq)
      .map((r) => ({ ...strip(r), delivered: r.delivered, ...(r.rejected ? { rejected: r.rejected } : {}) }));
  }

  /** Records and photos of the attempt as counts (for the candidate's "what was sent" line). */
  counts(attemptId: string): OutboxCounts {
    const state = this.state.get(attemptId);
    const records = [...(state?.records.values() ?? [])];
    const photos = [...(state?.photos.values() ?? [])];
    return {
      records: records.length,
      recordsDelivered: records.filter((r) => r.delivered).length,
      recordsRejected: records.filter((r) => r.rejected).length,
      photos: photos.length,
      photosDelivered: photos.filter((p) => p.delivered).length,
      photosRejected: photos.filter((p) => p.rejected).length,
    };
  }

  /** Resolves when every write so far has reached storage (or failed over to memory). */
  flushed(): Promise<void> {
    return this.writes;
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  private stateOf(attemptId: string): AttemptState {
    let state = this.state.get(attemptId);
    if (!state) this.state.set(attemptId, (state = { records: new Map(), photos: new Map() }));
    return state;
  }

  private async update<K extends 'records' | 'photos'>(
    attemptId: string,
    ids: string[],
    kind: K,
    change: (row: K extends 'records' ? OutboxRecord : OutboxPhoto) => void,
  ): Promise<void> {
    const state = await this.load(attemptId);
    const map = state[kind] as Map<string, K extends 'records' ? OutboxRecord : OutboxPhoto>;
    const rows = ids.flatMap((id) => {
      const row = map.get(id);
      if (!row) return [];
      change(row);
      return [{ ...row }];
    });
    const store = kind === 'records' ? 'evidence' : 'photos';
    await this.persist([store], (tx) => {
      for (const row of rows) tx.objectStore(store).put(row);
    });
  }

  /** Queues an IndexedDB write after the previous ones; a failure switches to memory, once. */
  private persist(stores: string[], write: (tx: IDBTransaction) => void): Promise<void> {
    this.writes = this.writes.then(async () => {
      const db = this.db;
      if (!db) return;
      try {
        const tx = db.transaction(stores, 'readwrite');
        write(tx);
        await transactionDone(tx);
      } catch (error) {
        this.fallBack(error);
      }
    });
    return this.writes;
  }

  private fallBack(error: unknown) {
    if (this.storageError) return;
    const quota = error instanceof DOMException && error.name === 'QuotaExceededError';
    this.storageError = storageError(quota ? 'storage on this device is full' : messageOf(error));
    try {
      this.db?.close();
    } catch {
      /* already closed */
    }
    this.db = undefined;
    this.onStorageError?.(this.storageError);
  }

  private async read(attemptId: string): Promise<AttemptState> {
    const state: AttemptState = { records: new Map(), photos: new Map() };
    const db = this.db;
    if (!db) return state;
    try {
      const tx = db.transaction(['attempts', 'evidence', 'photos']);
      const range = IDBKeyRange.bound([attemptId, 0], [attemptId, Number.MAX_SAFE_INTEGER]);
      const [attempt, rows, photos] = await Promise.all([
        request(tx.objectStore('attempts').get(attemptId)) as Promise<StoredAttempt | undefined>,
        request(tx.objectStore('evidence').index('byAttempt').getAll(range)) as Promise<
          (Omit<OutboxRecord, 'delivered'> & { delivered: boolean | 0 | 1; photo?: string })[]
        >,
        request(tx.objectStore('photos').index('byAttempt').getAll(attemptId)) as Promise<OutboxPhoto[]>,
      ]);
      state.attempt = attempt;
      for (const p of photos) state.photos.set(p.id, p);
      for (const { photo, ...row } of rows) {
        // version 1 kept the photo inline and `delivered` as 0/1
        const delivered = Number(row.delivered) === 1;
        state.records.set(row.id, { ...row, delivered });
        if (photo && !state.photos.has(row.id))
          state.photos.set(row.id, { id: row.id, attemptId, dataUrl: photo, delivered });
      }
    } catch (error) {
      this.fallBack(error);
    }
    return state;
  }
}

export interface OutboxCounts {
  records: number;
  recordsDelivered: number;
  recordsRejected: number;
  photos: number;
  photosDelivered: number;
  photosRejected: number;
}

function strip({ delivered: _d, rejected: _r, ongoing: _o, ...record }: OutboxRecord): EvidenceRecord {
  return record;
}

const storageError = (why: string) =>
  new ProctorError(
    ErrorCode.STORAGE_UNAVAILABLE,
    `Evidence cannot be saved on this device (${why}): it is kept in memory and sent directly, so keep this page open until it has been sent.`,
  );
