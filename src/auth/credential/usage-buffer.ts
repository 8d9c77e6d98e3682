import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { UnitOfWork } from '../../database/unit-of-work';
import { writeInSlices } from '../../database/write-in-slices';
import { SessionsRepository } from '../../sessions/sessions.repository';
import { UsersRepository } from '../../users/users.repository';
import { PrincipalCache } from './principal-cache';

const FLUSH_EVERY_MS = 10_000;

/** One buffered row write: a user's request count or API-key stamp, or a session's last activity. */
interface Write {
  kind: 'requests' | 'api_key' | 'session';
  id: string;
  value: number;
}

const sortedById = <V>(m: Map<string, V>): Map<string, V> =>
  new Map([...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/**
 * Per-request bookkeeping (request counts, API-key and session last-used stamps) kept in memory and written
 * in batches, so the hot path makes no database write. Flushed on an interval and on shutdown.
 */
@Injectable()
export class UsageBuffer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(UsageBuffer.name);
  private requests = new Map<string, number>();
  private apiKeyUsed = new Map<string, number>();
  private sessionActive = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly uow: UnitOfWork,
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly clock: Clock,
    private readonly cache: PrincipalCache,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  recordRequest(userId: string): void {
    this.requests.set(userId, (this.requests.get(userId) ?? 0) + 1);
  }

  touchApiKey(userId: string): void {
    this.apiKeyUsed.set(userId, this.clock.now());
  }

  touchSession(sessionId: string): void {
    this.sessionActive.set(sessionId, this.clock.now());
  }

  pendingRequests(userId: string): number {
    return this.requests.get(userId) ?? 0;
  }

  forget(userId: string): void {
    this.requests.delete(userId);
    this.apiKeyUsed.delete(userId);
  }

  /** Writes everything buffered; on failure what was not written is put back for the next attempt (nothing lost). */
  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.doFlush().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    if (!this.dataSource.isInitialized) return;
    if (!this.pending) return;
    // Rows in id order: instances flushing at once (a rolling restart) lock them in the same order, so never deadlock.
    // (apiKeyUsed's ids are a subset of requests': the pass over users' stamps takes no new lock out of order.)
    const writes: Write[] = [
      ...[...sortedById(this.requests)].map(([id, n]): Write => ({ kind: 'requests', id, value: n })),
      ...[...sortedById(this.apiKeyUsed)].map(([id, at]): Write => ({ kind: 'api_key', id, value: at })),
      ...[...sortedById(this.sessionActive)].map(([id, at]): Write => ({ kind: 'session', id, value: at })),
    ];
    this.requests = new Map();
    this.apiKeyUsed = new Map();
    this.sessionActive = new Map();
    const { users, sessions, cache } = this;
    await writeInSlices(
      writes,
      async (slice) => {
        const before = cache.beforeWrite();
        await this.uow.run(function* (unit) {
          for (const w of slice)
            if (w.kind === 'requests') yield* users.addRequests(unit, w.id, w.value);
            else if (w.kind === 'api_key') yield* users.touchApiKey(unit, w.id, new Date(w.value));
            else yield* sessions.touch(unit, w.id, new Date(w.value));
        });
        // This instance's cached rows gain what it wrote (other instances catch up within the state TTL).
        for (const w of slice)
          if (w.kind === 'requests')
            cache.applyWritten(w.id, (p) => ({ ...p, usageTotalRequests: p.usageTotalRequests + w.value }), before);
          else if (w.kind === 'api_key')
            cache.applyWritten(w.id, (p) => ({ ...p, apiKeyLastUsedAt: new Date(w.value) }), before);
      },
      (rest, err) => {
        for (const w of rest) {
          if (w.kind === 'requests') this.requests.set(w.id, (this.requests.get(w.id) ?? 0) + w.value);
          else {
            const stamps = w.kind === 'api_key' ? this.apiKeyUsed : this.sessionActive;
            if (!stamps.has(w.id)) stamps.set(w.id, w.value);
          }
        }
        this.logger.warn(`usage flush failed, ${rest.length} rows kept for the next attempt: ${err.message}`);
      },
    );
  }

  private get pending(): number {
    return this.requests.size + this.apiKeyUsed.size + this.sessionActive.size;
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // flush() may hand back a periodic flush that started before the last requests were counted, and a flush that
    // fails puts its counts back: go again until nothing is left (a few attempts; each failure is logged).
    let lastError: unknown;
    for (let attempt = 0; attempt < 4 && (this.pending || this.flushing); attempt++)
      await this.flush().catch((err) => (lastError = err));
    if (this.pending)
      this.logger.error(
        `final usage flush failed, ${this.pending} buffered entries lost: ${(lastError as Error)?.message}`,
      );
  }
}
