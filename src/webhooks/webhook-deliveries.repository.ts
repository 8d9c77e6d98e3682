import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, ObjectLiteral } from 'typeorm';
import { atomically, Unit } from '../database/atomic-writes';
import { fromDbTime, toDbTime } from '../database/columns';
import { DeliveryStatus } from './webhooks.enums';

/** What the worker needs to send a delivery it claimed. */
export interface ClaimedDelivery {
  delivery: { id: string; endpointId: string; eventType: string; payload: string; attempts: number; createdAt: Date };
  endpoint: {
    id: string;
    url: string;
    secretEncrypted: string;
    previousSecretEncrypted: string | null;
    previousSecretExpiresAt: Date | null;
  };
  token: string;
}

/** A try's outcome as the worker records it. */
export interface TryOutcome {
  at: Date;
  durationMs: number;
  status: number | null;
  error: string | null;
  /** Succeeded, or when to try next, or null: the schedule is exhausted. */
  next: 'succeeded' | Date | null;
}

interface ClaimedRow {
  id: string;
  endpoint_id: string;
  event_type: string;
  payload: string;
  attempts: number;
  created_at: Date | string;
  url: string;
  secret_encrypted: string;
  previous_secret_encrypted: string | null;
  previous_secret_expires_at: Date | string | null;
}

/** SQLite gives timestamps back as UTC text, Postgres as Dates. */

/**
 * The delivery queue's statements, in SQL (the worker's per-delivery cost is mostly statement building otherwise).
 * Each claim and each completion is one conditional write: affected rows decide.
 */
@Injectable()
export class WebhookDeliveriesRepository {
  private readonly postgres: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  private query<R>(sql: string, params: ObjectLiteral): Promise<R> {
    const [text, values] = this.dataSource.driver.escapeQueryWithParameters(sql, params);
    return this.dataSource.query(text, values) as Promise<R>;
  }

  /**
   * Takes up to `limit` due deliveries of enabled endpoints for `leaseMs`. The UPDATE re-checks each row's claim
   * condition, so of several workers (instances) racing for a row, only the one whose statement changed it gets it
   * (read back by its token among the rows it chose, through the primary key: lock_token has no index); a worker
   * that dies mid-send lets it go when the lease ends, and another retries it.
   */
  async claimDue(now: Date, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
    const t = toDbTime(now, this.postgres);
    // ix_webhook_deliveries_due
    const due = await this.query<{ id: string }[]>(
      `SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
        WHERE d.status = :pending AND d.next_attempt_at <= :now AND (d.locked_until IS NULL OR d.locked_until < :now)
          AND e.enabled = TRUE
        ORDER BY d.next_attempt_at LIMIT ${Math.trunc(limit)}`,
      { pending: DeliveryStatus.Pending, now: t },
    );
    if (!due.length) return [];
    const token = randomUUID();
    await this.query(
      `UPDATE webhook_deliveries SET locked_until = :lease, lock_token = :token
        WHERE id IN (:...ids) AND status = :pending AND (locked_until IS NULL OR locked_until < :now)`,
      {
        lease: toDbTime(new Date(now.getTime() + leaseMs), this.postgres),
        token,
        ids: due.map((d) => d.id),
        pending: DeliveryStatus.Pending,
        now: t,
      },
    );
    const rows = await this.query<ClaimedRow[]>(
      `SELECT d.id, d.endpoint_id, d.event_type, d.payload, d.attempts, d.created_at, e.url, e.secret_encrypted,
              e.previous_secret_encrypted, e.previous_secret_expires_at
         FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
        WHERE d.id IN (:...ids) AND d.lock_token = :token`,
      { ids: due.map((d) => d.id), token },
    );
    return rows.map((r) => ({
      token,
      delivery: {
        id: r.id,
        endpointId: r.endpoint_id,
        eventType: r.event_type,
        payload: r.payload,
        attempts: Number(r.attempts),
        createdAt: fromDbTime(r.created_at),
      },
      endpoint: {
        id: r.endpoint_id,
        url: r.url,
        secretEncrypted: r.secret_encrypted,
        previousSecretEncrypted: r.previous_secret_encrypted,
        previousSecretExpiresAt:
          r.previous_secret_expires_at === null ? null : fromDbTime(r.previous_secret_expires_at),
      },
    }));
  }

  /**
   * Records a try and its consequences in one unit, only while its claim is still ours. An exhausted schedule fails
   * the delivery and disables the endpoint unless it has succeeded since this delivery was created.
   */
  async record(done: CompletedTry): Promise<void> {
    await atomically(this.dataSource, (unit) => recordTry(unit, done));
  }
}

/** A try made under a claim, and what it leads to. */
export interface CompletedTry {
  claim: ClaimedDelivery;
  outcome: TryOutcome;
  /** Kept on the endpoint when this try disables it. */
  disabledReason: string;
}

/** One try's statements: the delivery (while the claim holds), the attempt, and the endpoint it affects. */
function* recordTry(unit: Unit, { claim, outcome, disabledReason }: CompletedTry) {
  const { delivery, token } = claim;
  const { at } = outcome;
  const status =
    outcome.next === 'succeeded'
      ? DeliveryStatus.Succeeded
      : outcome.next === null
        ? DeliveryStatus.Failed
        : DeliveryStatus.Pending;
  const error = outcome.error?.slice(0, 300) ?? null;
  const mine = yield* unit.write({
    sql: `UPDATE webhook_deliveries
             SET status = :status, attempts = attempts + 1, last_attempt_at = :at, response_status = :code,
                 last_error = :error, next_attempt_at = COALESCE(:next, next_attempt_at),
                 delivered_at = CASE WHEN :succeeded = 1 THEN :at ELSE delivered_at END,
                 locked_until = NULL, lock_token = NULL
           WHERE id = :id AND lock_token = :token`,
    params: {
      status,
      at,
      code: outcome.status,
      error,
      next: outcome.next instanceof Date ? outcome.next : null,
      succeeded: status === DeliveryStatus.Succeeded ? 1 : 0,
      id: delivery.id,
      token,
    },
  });
  if (!mine) return; // the lease ran out and another worker took the delivery over
  yield* unit.write({
    sql: `INSERT INTO webhook_attempts (id, delivery_id, attempted_at, response_status, error, duration_ms)
          VALUES (:id, :delivery, :at, :code, :error, :ms)`,
    params: {
      id: randomUUID(),
      delivery: delivery.id,
      at,
      code: outcome.status,
      error,
      ms: Math.round(outcome.durationMs),
    },
  });
  if (status === DeliveryStatus.Succeeded)
    yield* unit.write({
      sql: 'UPDATE webhook_endpoints SET last_success_at = :at WHERE id = :id',
      params: { at, id: delivery.endpointId },
    });
  if (status === DeliveryStatus.Failed)
    yield* unit.write({
      sql: `UPDATE webhook_endpoints SET enabled = FALSE, disabled_reason = :reason, disabled_at = :at
             WHERE id = :id AND enabled = TRUE AND (last_success_at IS NULL OR last_success_at < :since)`,
      params: { reason: disabledReason.slice(0, 500), at, id: delivery.endpointId, since: delivery.createdAt },
    });
}
