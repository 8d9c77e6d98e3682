import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { atomically } from '../database/atomic-writes';
import { writeInSlices } from '../database/write-in-slices';
import { PersonalKeysRepository } from './personal-keys.repository';

const FLUSH_EVERY_MS = 10_000;

/** Each key's last use, kept in memory and written in batches (no write per request); flushed on shutdown too. */
@Injectable()
export class KeyUsage implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(KeyUsage.name);
  private used = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush().catch(() => undefined), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  touch(keyId: string, at = this.clock.now()): void {
    this.used.set(keyId, at);
  }

  /** A stamp not yet written (shown instead of the stored one). */
  pending(keyId: string): number | undefined {
    return this.used.get(keyId);
  }

  flush(): Promise<void> {
    this.flushing ??= this.doFlush().finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  private async doFlush(): Promise<void> {
    if (!this.dataSource.isInitialized || !this.used.size) return;
    const batch = [...this.used].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.used = new Map();
    await writeInSlices(
      batch,
      (slice) => atomically(this.dataSource, (unit) => PersonalKeysRepository.touch(unit, slice)),
      (rest, err) => {
        for (const [id, at] of rest) if (!this.used.has(id)) this.used.set(id, at);
        this.logger.warn(`key usage flush failed, ${rest.length} stamps kept for the next attempt: ${err.message}`);
      },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    for (let attempt = 0; attempt < 4 && (this.used.size || this.flushing); attempt++)
      await this.flush().catch(() => undefined);
    if (this.used.size) this.logger.error(`final key usage flush failed, ${this.used.size} stamps lost`);
  }
}
