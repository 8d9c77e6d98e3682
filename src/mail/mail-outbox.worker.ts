import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { atomically } from '../database/atomic-writes';
import { User } from '../users/entities/user.entity';
import { issueEmailToken } from './email-tokens';
import { EmailTokenPurpose, MailKind, MailStatus } from './mail.enums';
import { MailOutboxRepository, OutboxRow } from './mail-outbox.repository';
import { renderMail } from './mail-templates';
import { createMailTransport, MailTransport } from './mail-transport';

/** Waits before each retry of a failed send (about 16 hours in all); then the mail is given up as failed. */
export const RETRY_DELAYS_MS = [10, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 28800].map((s) => s * 1000);
/** A claimed row is this worker's for this long: longer than the transport's worst-case attempt. */
export const LEASE_MS = 2 * 60_000;
const POLL_MS = 1000;
/** Provided (true) by the CLI: its short-lived process queues mail but leaves sending to the service. */
export const MAIL_WORKER_DISABLED = Symbol('MAIL_WORKER_DISABLED');
const BATCH = 20;

const LINKS: Partial<Record<MailKind, { purpose: EmailTokenPurpose; page: string }>> = {
  [MailKind.VerifyEmail]: { purpose: EmailTokenPurpose.VerifyEmail, page: 'verify-email' },
  [MailKind.PasswordReset]: { purpose: EmailTokenPurpose.PasswordReset, page: 'reset-password' },
};

/**
 * Sends the outbox: polls for due rows (and at once when kicked), claims each with a lease so that several
 * instances share one outbox, sends it, and records the outcome; a failed send is retried with backoff, so an SMTP
 * outage or a restart loses nothing. A link's token is made when its mail is sent, so no secret waits in a table.
 */
@Injectable()
export class MailOutboxWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Mail');
  private readonly transport: MailTransport | null;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly outbox: MailOutboxRepository,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(MAIL_WORKER_DISABLED) disabled?: boolean,
  ) {
    this.transport = disabled ? null : createMailTransport(config.mail);
  }

  onApplicationBootstrap(): void {
    if (this.transport) this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    this.transport?.close();
  }

  /** Looks at the outbox now (a mail was just queued here); other instances find it on their next poll. */
  kick(): void {
    if (!this.transport || this.stopped) return;
    if (this.running) this.again = true;
    else this.schedule(0);
  }

  /** Sends everything due now; resolves when done (tests and shutdown wait on it). */
  drain(): Promise<void> {
    if (!this.transport) return Promise.resolve();
    if (!this.running) {
      clearTimeout(this.timer);
      this.running = this.loop().finally(() => {
        this.running = undefined;
        if (!this.stopped) this.schedule(this.again ? 0 : POLL_MS);
        this.again = false;
      });
    }
    return this.running;
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.drain(), ms);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        const ids = await this.outbox.due(this.clock.date(), BATCH);
        let claimed = 0;
        for (const id of ids) {
          if (this.stopped) return;
          const claimId = randomUUID();
          const now = this.clock.date();
          const row = await this.outbox.claim(id, claimId, now, new Date(now.getTime() + LEASE_MS));
          if (!row) continue; // another instance has it
          claimed++;
          await this.deliver(row, claimId);
        }
        if (ids.length < BATCH || claimed === 0) return;
      }
    } catch (err) {
      this.logger.warn({ msg: 'mail outbox: cannot read the outbox; retrying', error: (err as Error).message });
    }
  }

  private async deliver(row: OutboxRow, claimId: string): Promise<void> {
    let mail: { to: string; subject: string; text: string; html: string } | null;
    try {
      mail = await this.compose(row);
    } catch (err) {
      await this.retry(row, claimId, err as Error);
      return;
    }
    if (!mail) {
      await this.outbox.settle(row.id, claimId, { status: MailStatus.Cancelled, error: 'the account changed' });
      this.logger.log({
        msg: 'mail cancelled: the account changed since it was queued',
        mail_id: row.id,
        kind: row.kind,
      });
      return;
    }
    try {
      await this.transport!.send({ ...mail, messageId: `<${row.id}@${new URL(this.config.mail.publicUrl).hostname}>` });
    } catch (err) {
      await this.retry(row, claimId, err as Error);
      return;
    }
    const recorded = await this.outbox.settle(row.id, claimId, { status: MailStatus.Sent, at: this.clock.date() });
    if (!recorded) this.logger.warn({ msg: 'mail sent after its lease ran out', mail_id: row.id });
    this.logger.log({ msg: 'mail sent', mail_id: row.id, kind: row.kind, attempt: row.attempts });
  }

  /** The mail as it goes out, or null when there is nothing to send any more. */
  private async compose(row: OutboxRow) {
    const user = row.userId
      ? await this.dataSource.getRepository(User).findOne({
          where: { id: row.userId },
          select: { id: true, email: true, username: true, isVerified: true },
        })
      : null;
    if (!user) return null;
    const link = LINKS[row.kind];
    let url: string | undefined;
    if (link) {
      // A link goes to the address the account has now, and a verification only to an unverified one.
      if (user.email !== row.toAddress || (row.kind === MailKind.VerifyEmail && user.isVerified)) return null;
      const now = this.clock.date();
      const token = await atomically(this.dataSource, (unit) =>
        issueEmailToken(unit, { userId: user.id, purpose: link.purpose, email: user.email, now }),
      );
      url = `${this.config.mail.publicUrl}/account/${link.page}?token=${token}`;
    }
    const rendered = renderMail(row.kind, {
      publicUrl: this.config.mail.publicUrl,
      username: user.username,
      link: url,
      params: row.params,
    });
    return { to: row.toAddress, ...rendered };
  }

  private async retry(row: OutboxRow, claimId: string, err: Error): Promise<void> {
    const delay = RETRY_DELAYS_MS[row.attempts - 1];
    const error = err.message || String(err);
    try {
      if (delay === undefined) {
        await this.outbox.settle(row.id, claimId, { status: MailStatus.Failed, error });
        this.logger.error({ msg: 'mail given up after its last retry', mail_id: row.id, kind: row.kind, error });
        return;
      }
      const retryAt = new Date(this.clock.now() + delay);
      await this.outbox.settle(row.id, claimId, { status: MailStatus.Pending, retryAt, error });
      this.logger.warn({
        msg: 'mail not sent; will retry',
        mail_id: row.id,
        attempt: row.attempts,
        retry_at: retryAt,
        error,
      });
    } catch (dbErr) {
      // The lease runs out and the row is claimed again.
      this.logger.warn({ msg: 'mail outcome not recorded', mail_id: row.id, error: (dbErr as Error).message });
    }
  }
}
