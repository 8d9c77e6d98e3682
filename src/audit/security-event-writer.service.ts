import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { Clock } from '../common/clock';
import { SecurityEventInput } from './audit.events';
import { toSecurityEventRow } from './audit.mapper';
import { SecurityEvent } from './entities/security-event.entity';

export const AUDIT_BATCH_SIZE = 100;
export const AUDIT_FLUSH_DELAY_MS = 250;
const MAX_RETRY_DELAY_MS = 5_000;
/** Beyond this many unwritten events (database down for long) the oldest are dropped; each was logged when recorded. */
const MAX_PENDING = 20_000;
/**
 * After this many failed attempts at one batch, its rows are tried one by one so a single bad row cannot block the
 * trail.
 */
const ISOLATE_AFTER_FAILURES = 3;

/**
 * The append-only security event trail. `record()` never touches the database and never throws: it logs the
 * event (context 'Audit') and queues it; queued events are inserted in batches (every 250 ms, or at once when
 * 100 are waiting), retried with backoff on failure, and flushed on shutdown.
 */
@Injectable()
export class SecurityEventWriter implements OnApplicationShutdown {
  private readonly logger = new Logger('Audit');
  private queue: SecurityEvent[] = [];
  private inflight: SecurityEvent[] = [];
  private tail: Promise<void> = Promise.resolve();
  private timer?: NodeJS.Timeout;
  private timerDue = Infinity;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  record(input: SecurityEventInput): SecurityEvent | undefined {
    try {
      const row = toSecurityEventRow(input, this.clock.date());
      this.log(row);
      this.queue.push(row);
      if (this.queue.length > MAX_PENDING) {
        const dropped = this.queue.splice(0, this.queue.length - MAX_PENDING);
        this.logger.error({
          msg: 'security events dropped: the database has refused them for too long',
          dropped: dropped.length,
        });
      }
      this.schedule(this.queue.length >= AUDIT_BATCH_SIZE ? 0 : AUDIT_FLUSH_DELAY_MS);
      return row;
    } catch (err) {
      this.logger.error({
        msg: 'security event could not be recorded',
        type: input?.type,
        error: (err as Error).message,
      });
      return undefined;
    }
  }

  /** Events recorded but not yet committed (queued or being written), oldest first. */
  pending(): readonly SecurityEvent[] {
    return [...this.inflight, ...this.queue];
  }

  /** Writes everything queued so far; rejects (keeping the events queued) if the database refuses. */
  async flush(): Promise<void> {
    await this.tail.catch(() => undefined);
    while (this.queue.length) await this.writeBatch();
  }

  async onApplicationShutdown(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    try {
      await this.flush();
    } catch (err) {
      this.logger.error({
        msg: 'final security event flush failed',
        pending: this.queue.length,
        error: (err as Error).message,
      });
    }
  }

  private log(row: SecurityEvent): void {
    const line = {
      msg: 'security event',
      event_id: row.id,
      type: row.type,
      severity: row.severity,
      user_id: row.userId,
      actor_id: row.actorId,
      ip: row.ipAddress,
      request_id: row.requestId,
      details: forLog(row.details),
    };
    if (row.severity === 'critical') this.logger.error(line);
    else if (row.severity === 'warning') this.logger.warn(line);
    else this.logger.log(line);
  }

  /** Arms the flush timer to fire within `delayMs` (an earlier deadline wins). */
  private schedule(delayMs: number): void {
    if (this.closed) return;
    // Timer deadlines are monotonic time (as setTimeout's), not the Clock's: tests move the Clock and still want
    // the flush when it is due.
    const due = performance.now() + delayMs;
    if (this.timer && this.timerDue <= due) return;
    this.clearTimer();
    this.timerDue = due;
    this.timer = setTimeout(() => this.onTimer(), delayMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
  }

  private onTimer(): void {
    this.timer = undefined;
    this.timerDue = Infinity;
    this.writeBatch().then(
      () => {
        if (this.queue.length) this.schedule(this.queue.length >= AUDIT_BATCH_SIZE ? 0 : AUDIT_FLUSH_DELAY_MS);
      },
      (err: Error) =>
        this.logger.warn({
          msg: 'security event write failed, will retry',
          pending: this.queue.length,
          failures: this.failures,
          error: err.message,
        }),
    );
  }

  /** One batch at a time, in order: each write waits for the previous one. */
  private writeBatch(): Promise<void> {
    const run = this.tail.catch(() => undefined).then(() => this.writeNext());
    this.tail = run;
    return run;
  }

  private async writeNext(): Promise<void> {
    if (!this.queue.length) return;
    if (!this.dataSource.isInitialized) {
      this.schedule(MAX_RETRY_DELAY_MS);
      throw new Error('database is not initialised');
    }
    this.inflight = this.queue.splice(0, AUDIT_BATCH_SIZE);
    try {
      await this.insert(this.inflight);
      this.failures = 0;
    } catch (err) {
      this.failures++;
      const unwritten =
        this.failures >= ISOLATE_AFTER_FAILURES ? await this.insertOneByOne(this.inflight) : this.inflight;
      this.queue.unshift(...unwritten);
      if (unwritten.length) {
        this.schedule(Math.min(AUDIT_FLUSH_DELAY_MS * 2 ** this.failures, MAX_RETRY_DELAY_MS));
        throw err;
      }
      this.failures = 0;
    } finally {
      this.inflight = [];
    }
  }

  private async insert(rows: SecurityEvent[]): Promise<void> {
    await this.dataSource
      .createQueryBuilder()
      .insert()
      .into(SecurityEvent)
      .values(rows as QueryDeepPartialEntity<SecurityEvent>[])
      .updateEntity(false)
      .execute();
  }

  /**
   * Inserts rows singly; a row the database refuses while it answers other queries is dropped (it is in the log).
   * Returns the rows still to write (all of them when the database itself is unreachable).
   */
  private async insertOneByOne(rows: SecurityEvent[]): Promise<SecurityEvent[]> {
    for (let i = 0; i < rows.length; i++) {
      try {
        await this.insert([rows[i]]);
      } catch (err) {
        const reachable = await this.dataSource.query('SELECT 1').then(
          () => true,
          () => false,
        );
        if (!reachable) return rows.slice(i);
        this.logger.error({
          msg: 'security event rejected by the database, dropped',
          event_id: rows[i].id,
          type: rows[i].type,
          error: (err as Error).message,
        });
      }
    }
    return [];
  }
}

/** Details kept out of log lines (they stay in the audit table): a typed "username" is often a password. */
const NOT_LOGGED = new Set(['username_attempted']);

function forLog(details: SecurityEvent['details']): SecurityEvent['details'] {
  if (!details || typeof details !== 'object' || !Object.keys(details).some((k) => NOT_LOGGED.has(k))) return details;
  return Object.fromEntries(Object.entries(details).filter(([k]) => !NOT_LOGGED.has(k))) as SecurityEvent['details'];
}
