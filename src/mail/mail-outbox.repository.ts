import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { atomically, Outcome, Unit } from '../database/atomic-writes';
import { MailKind, MailStatus } from './mail.enums';

type Prepared = [sql: string, params: unknown[]];

export interface NewMail {
  kind: MailKind;
  userId: string | null;
  to: string;
  /** Shown by the template; never a secret. */
  params?: Record<string, unknown>;
}

export interface OutboxRow {
  id: string;
  kind: MailKind;
  userId: string | null;
  toAddress: string;
  params: Record<string, unknown>;
  attempts: number;
}

/** The INSERT of a mail into the outbox, as a statement of the caller's unit (it commits with the change). */
export function* enqueueMail(unit: Unit, mail: NewMail, now: Date): Generator<Prepared, string, Outcome> {
  const id = randomUUID();
  yield* unit.write({
    sql:
      'INSERT INTO mail_outbox (id, kind, user_id, to_address, params, status, attempts, next_attempt_at, created_at) ' +
      `VALUES (:id, :kind, :userId, :to, :params, '${MailStatus.Pending}', 0, :now, :now)`,
    params: {
      id,
      kind: mail.kind,
      userId: mail.userId,
      to: mail.to,
      params: mail.params ? JSON.stringify(mail.params) : null,
      now,
    },
  });
  return id;
}

const CLAIMABLE = `status = '${MailStatus.Pending}' AND next_attempt_at <= :now AND (claimed_until IS NULL OR claimed_until < :now)`;

/**
 * The outbox's queries. Several instances share one outbox: a row is claimed by one conditional UPDATE (a lease
 * with a claim id), and an outcome is recorded only by the claim that holds the lease.
 */
@Injectable()
export class MailOutboxRepository {
  constructor(private readonly dataSource: DataSource) {}

  private run<T>(steps: (unit: Unit) => Generator<Prepared, T, Outcome>): Promise<T> {
    return atomically(this.dataSource, steps);
  }

  /** Ids of rows due now, oldest due first (ix_mail_outbox_due: status, next_attempt_at). */
  due(now: Date, limit: number): Promise<string[]> {
    return this.run(function* (unit) {
      const rows = yield* unit.read<{ id: string }>({
        sql: `SELECT id FROM mail_outbox WHERE ${CLAIMABLE} ORDER BY next_attempt_at LIMIT ${Math.trunc(limit)}`,
        params: { now },
      });
      return rows.map((r) => r.id);
    });
  }

  /** Takes the row for this worker until `leaseUntil` and counts the attempt; null when another worker has it. */
  claim(id: string, claimId: string, now: Date, leaseUntil: Date): Promise<OutboxRow | null> {
    return this.run(function* (unit) {
      const taken = yield* unit.write({
        sql:
          'UPDATE mail_outbox SET claimed_until = :leaseUntil, claim_id = :claimId, attempts = attempts + 1 ' +
          `WHERE id = :id AND ${CLAIMABLE}`,
        params: { id, claimId, now, leaseUntil },
      });
      if (!taken) return null;
      const [row] = yield* unit.read<Record<string, unknown>>({
        sql: 'SELECT id, kind, user_id, to_address, params, attempts FROM mail_outbox WHERE id = :id',
        params: { id },
      });
      const params = typeof row.params === 'string' ? JSON.parse(row.params) : (row.params ?? {});
      return {
        id: row.id as string,
        kind: row.kind as MailKind,
        userId: (row.user_id as string | null) ?? null,
        toAddress: row.to_address as string,
        params: params as Record<string, unknown>,
        attempts: Number(row.attempts),
      };
    });
  }

  /** Records the outcome of a claim; false when the lease was lost (another worker owns the row now). */
  settle(
    id: string,
    claimId: string,
    outcome:
      | { status: MailStatus.Sent; at: Date }
      | { status: MailStatus.Failed | MailStatus.Cancelled; error: string }
      | { status: MailStatus.Pending; retryAt: Date; error: string },
  ): Promise<boolean> {
    const set =
      outcome.status === MailStatus.Sent
        ? 'sent_at = :at, last_error = NULL'
        : outcome.status === MailStatus.Pending
          ? 'next_attempt_at = :retryAt, last_error = :error'
          : 'last_error = :error';
    return this.run(function* (unit) {
      const n = yield* unit.write({
        sql:
          `UPDATE mail_outbox SET status = :status, ${set}, claimed_until = NULL, claim_id = NULL ` +
          'WHERE id = :id AND claim_id = :claimId',
        params: { id, claimId, ...outcome, error: 'error' in outcome ? outcome.error.slice(0, 500) : null },
      });
      return n === 1;
    });
  }
}
