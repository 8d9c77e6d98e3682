import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock';
import { UnitOfWork } from '../../database/unit-of-work';
import { SessionsRepository } from '../../sessions/sessions.repository';
import { UsersRepository } from '../../users/users.repository';
import { PrincipalCache } from './principal-cache';

const FLUSH_EVERY_MS = 10_000;

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

  /** Writes everything buffered; on failure the counts are put back for the next attempt (nothing lost). */
  async flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.doFlush().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    if (!this.dataSource.isInitialized) return;
    // Rows in id order: instances flushing at once (a rolling restart) lock them in the same order, so never deadlock.
    // (apiKeyUsed's ids are a subset of requests': the second pass over users takes no new lock out of order.)
    const requests = sortedById(this.requests);
    const apiKeyUsed = sortedById(this.apiKeyUsed);
    const sessionActive = sortedById(this.sessionActive);
    if (!requests.size && !apiKeyUsed.size && !sessionActive.size) return;
    this.requests = new Map();
    this.apiKeyUsed = new Map();
    this.sessionActive = new Map();
    try {
      const { users, sessions } = this;
      await this.uow.run(function* (unit) {
        for (const [id, n] of requests) yield* users.addRequests(unit, id, n);
        for (const [id, at] of apiKeyUsed) yield* users.touchApiKey(unit, id, new Date(at));
        for (const [id, at] of sessionActive) yield* sessions.touch(unit, id, new Date(at));
      });
      // This instance's cached rows now lag the counts it wrote (other instances catch up within the state TTL).
      this.cache.forgetUsers(requests.keys());
    } catch (err) {
      for (const [id, n] of requests) this.requests.set(id, (this.requests.get(id) ?? 0) + n);
      for (const [id, at] of apiKeyUsed) if (!this.apiKeyUsed.has(id)) this.apiKeyUsed.set(id, at);
      for (const [id, at] of sessionActive) if (!this.sessionActive.has(id)) this.sessionActive.set(id, at);
      this.logger.warn(`usage flush failed, will retry: ${(err as Error).message}`);
      throw err;
    }
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
