// The counters and pending rows of one import, and its bounded writes in flight.
import { addTo, dataRecord } from '../domain/data-record.js';
import { sanitizeInline } from '../domain/sanitize.js';
import { redactString } from '../redact/redact-text.js';
import type { Db } from '../store/db.js';
import { insertQuarantine, type TrafficWriter } from '../store/repos/traffic-repo.js';
import { QUARANTINE_LIST_LIMIT, type QuarantinedLine } from './import-summary.js';
import type { NormalisedRecord } from './readers/reader.js';
import { addRecord, emptyRows, type RowMaker, type ValueRows } from './value-rows.js';

/** Batches written (or queued on the connection) while the next one is read. */
const WRITES_IN_FLIGHT = 2;
/**
 * Counters and the pending rows of one import. Rows arrive a chunk at a time (`take`) or a record
 * at a time (`add`); a batch is written once batchSize rows are pending, while the next is read.
 * At most WRITES_IN_FLIGHT batches are being written, so memory stays flat however fast the file
 * is read.
 */
export class ImportState<Batch> {
  imported = 0;
  read = 0;
  notReplayable = 0;
  skipped = 0;
  redacted = 0;
  redactedKinds: Record<string, number> = dataRecord<number>();
  quarantinedCount = 0;
  quarantinedList: QuarantinedLine[] = [];
  private open: ValueRows<Batch>;
  private pending: Batch[] = [];
  private pendingRows = 0;
  private pendingNotReplayable = 0;
  private bad: QuarantinedLine[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown = null;

  constructor(
    readonly db: Db,
    readonly importId: number,
    readonly maker: RowMaker<Batch>,
    private readonly batchSize: number,
    private readonly writer: TrafficWriter<Batch>,
  ) {
    this.open = emptyRows(writer);
  }

  /** One record (OpenAI Batch joins); when that fills a batch, the returned promise is its write. */
  add(record: NormalisedRecord, raw?: Buffer): Promise<void> | undefined {
    addRecord(this.open, this.maker, record, raw);
    if (this.open.rows < this.batchSize) return undefined;
    return this.take('', this.reopen());
  }

  /** A chunk's rows and bad lines; when that fills a batch, the returned promise is its write. */
  take(file: string, rows: ValueRows<Batch>): Promise<void> | undefined {
    this.read += rows.rows;
    this.skipped += rows.skipped;
    if (rows.redacted) {
      this.redacted += rows.redacted;
      for (const k in rows.redactedKinds) addTo(this.redactedKinds, k, rows.redactedKinds[k] as number);
    }
    for (const b of rows.bad) this.note(file, b.line, b.reason);
    if (rows.rows) {
      this.pending.push(rows.batch);
      this.pendingRows += rows.rows;
      this.pendingNotReplayable += rows.notReplayable;
    }
    return this.pendingRows >= this.batchSize || this.bad.length >= this.batchSize ? this.write() : undefined;
  }

  async quarantine(file: string, line: number, reason: string): Promise<void> {
    this.note(file, line, reason);
    if (this.bad.length >= this.batchSize) await this.write();
  }

  /** Wait for every write in flight, failed or not. */
  async settle(): Promise<void> {
    await Promise.allSettled(this.inFlight);
  }

  async flush(): Promise<void> {
    this.take('', this.reopen());
    await this.write();
    await Promise.all(this.inFlight);
    if (this.failure) throw this.failure;
  }

  /** The record-at-a-time rows so far, replaced by an empty set. */
  private reopen(): ValueRows<Batch> {
    const rows = this.open;
    this.open = emptyRows(this.writer);
    return rows;
  }

  private note(file: string, line: number, raw: string): void {
    // A reason may quote the line (an id, a field): redacted before it is stored or printed, and
    // stripped of escape sequences, which a quoted field could carry to the terminal.
    const entry = { file, line, reason: sanitizeInline(redactString(raw)) };
    this.quarantinedCount++;
    if (this.quarantinedList.length < QUARANTINE_LIST_LIMIT) this.quarantinedList.push(entry);
    this.bad.push(entry);
  }

  /** Start writing the pending rows once fewer than WRITES_IN_FLIGHT writes are under way. */
  private async write(): Promise<void> {
    const batches = this.pending;
    const rows = this.pendingRows;
    const recordsNotReplayable = this.pendingNotReplayable;
    const bad = this.bad;
    this.pending = [];
    this.pendingRows = 0;
    this.pendingNotReplayable = 0;
    this.bad = [];
    while (this.inFlight.size >= WRITES_IN_FLIGHT) await Promise.race(this.inFlight);
    if (this.failure) throw this.failure;
    if (rows === 0 && bad.length === 0) return;
    const job = (async () => {
      if (rows) {
        const { inserted, notReplayable } = await this.writer.write(this.writer.concat(batches), recordsNotReplayable);
        this.imported += inserted;
        this.notReplayable += notReplayable;
      }
      if (bad.length) await insertQuarantine(this.db, this.importId, bad);
    })()
      // Kept, not thrown here: the reader loop sees it at its next write or at flush.
      .catch((e: unknown) => {
        this.failure ??= e;
      })
      .finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }
}
