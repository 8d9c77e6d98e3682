import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { atomically } from '../database/atomic-writes';
import { toDbTime } from '../database/columns';
import { WebhookAttempt } from './entities/webhook-attempt.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';
import { DeliveryStatus } from './webhooks.enums';

/** What the worker needs to send a claimed delivery. */
export interface ClaimedDelivery {
  delivery: WebhookDelivery;
  endpoint: WebhookEndpoint;
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

/** The delivery queue's statements; each claim and each completion is one conditional write. */
@Injectable()
export class WebhookDeliveriesRepository {
  private readonly postgres: boolean;

  constructor(private readonly dataSource: DataSource) {
    this.postgres = dataSource.options.type === 'postgres';
  }

  private t(d: Date) {
    return toDbTime(d, this.postgres);
  }

  /** Ids of due deliveries of enabled endpoints, oldest due first (ix_webhook_deliveries_due). */
  async due(now: Date, limit: number): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(WebhookDelivery)
      .createQueryBuilder('d')
      .innerJoin(WebhookEndpoint, 'e', 'e.id = d.endpoint_id')
      .select('d.id', 'id')
      .where('d.status = :pending AND d.next_attempt_at <= :now', { pending: DeliveryStatus.Pending, now: this.t(now) })
      .andWhere('(d.locked_until IS NULL OR d.locked_until < :now)')
      .andWhere('e.enabled = TRUE')
      .orderBy('d.next_attempt_at', 'ASC')
      .limit(limit)
      .getRawMany<{ id: string }>();
    return rows.map((r) => r.id);
  }

  /**
   * Takes a delivery for `leaseMs`: of several workers (instances) racing for it, the one whose UPDATE changed the
   * row has it; a worker that dies mid-send lets it go when the lease ends, and another retries it.
   */
  async claim(id: string, now: Date, leaseMs: number): Promise<ClaimedDelivery | null> {
    const token = randomUUID();
    const res = await this.dataSource
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({ lockedUntil: new Date(now.getTime() + leaseMs), lockToken: token })
      .where('id = :id AND status = :pending AND (locked_until IS NULL OR locked_until < :now)', {
        id,
        pending: DeliveryStatus.Pending,
        now: this.t(now),
      })
      .execute();
    if (res.affected !== 1) return null;
    const delivery = await this.dataSource.getRepository(WebhookDelivery).findOneBy({ id, lockToken: token });
    const endpoint = delivery
      ? await this.dataSource.getRepository(WebhookEndpoint).findOneBy({ id: delivery.endpointId })
      : null;
    return delivery && endpoint ? { delivery, endpoint, token } : null;
  }

  /**
   * Records a try and its consequence in one unit, only while the claim is still ours. An exhausted schedule fails
   * the delivery and disables the endpoint unless it has succeeded since this delivery was created.
   */
  async complete(claim: ClaimedDelivery, outcome: TryOutcome, disabledReason: string): Promise<void> {
    const { delivery, token } = claim;
    const { at } = outcome;
    const status =
      outcome.next === 'succeeded'
        ? DeliveryStatus.Succeeded
        : outcome.next === null
          ? DeliveryStatus.Failed
          : DeliveryStatus.Pending;
    const t = (d: Date) => this.t(d);
    await atomically(this.dataSource, function* (unit) {
      const mine = yield* unit.write(
        unit.em
          .createQueryBuilder()
          .update(WebhookDelivery)
          .set({
            status,
            attempts: () => 'attempts + 1',
            lastAttemptAt: at,
            responseStatus: outcome.status,
            lastError: outcome.error?.slice(0, 300) ?? null,
            ...(outcome.next instanceof Date ? { nextAttemptAt: outcome.next } : {}),
            ...(status === DeliveryStatus.Succeeded ? { deliveredAt: at } : {}),
            lockedUntil: null,
            lockToken: null,
          })
          .where('id = :id AND lock_token = :token', { id: delivery.id, token }),
      );
      if (!mine) return; // the lease ran out and another worker took the delivery over
      yield* unit.write(
        unit.em
          .createQueryBuilder()
          .insert()
          .into(WebhookAttempt)
          .values({
            id: randomUUID(),
            deliveryId: delivery.id,
            attemptedAt: at,
            responseStatus: outcome.status,
            error: outcome.error?.slice(0, 300) ?? null,
            durationMs: Math.round(outcome.durationMs),
          }),
      );
      if (status === DeliveryStatus.Succeeded)
        yield* unit.write(
          unit.em
            .createQueryBuilder()
            .update(WebhookEndpoint)
            .set({ lastSuccessAt: at, updatedAt: () => 'updated_at' })
            .where('id = :id', { id: delivery.endpointId }),
        );
      if (status === DeliveryStatus.Failed)
        yield* unit.write(
          unit.em
            .createQueryBuilder()
            .update(WebhookEndpoint)
            .set({ enabled: false, disabledReason: disabledReason.slice(0, 500), disabledAt: at })
            .where('id = :id AND enabled = TRUE AND (last_success_at IS NULL OR last_success_at < :since)', {
              id: delivery.endpointId,
              since: t(new Date(delivery.createdAt)),
            }),
        );
    });
  }
}
