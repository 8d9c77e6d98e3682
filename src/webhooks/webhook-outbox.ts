import { Injectable, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Clock } from '../common/clock';
import { DomainEvent, UnitOfWork } from '../database/unit-of-work';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { DeliveryStatus, WEBHOOK_EVENTS } from './webhooks.enums';

/** Payload fields that could carry a secret never reach a receiver, whoever published the event. */
const SECRET_FIELD = /secret|token|password|hash|otp|code_verifier/i;

/** The body every try of a delivery sends: `{type, timestamp, data}`. */
export function webhookBody(type: string, at: Date, data: Record<string, unknown>): string {
  const safe = Object.fromEntries(Object.entries(data).filter(([k]) => !SECRET_FIELD.test(k)));
  return JSON.stringify({ type, timestamp: at.toISOString(), data: safe });
}

/** A row of webhook_deliveries, due now. */
export function deliveryRow(endpointId: string, type: string, body: string, at: Date): Partial<WebhookDelivery> {
  return {
    id: randomUUID(),
    endpointId,
    eventType: type,
    payload: body,
    status: DeliveryStatus.Pending,
    attempts: 0,
    nextAttemptAt: at,
    createdAt: at,
  };
}

/**
 * The outbox writer: for each webhook event published through the UnitOfWork, one delivery row per enabled
 * endpoint subscribed to it, written by the statements of the change's own transaction.
 */
@Injectable()
export class WebhookOutbox implements OnModuleInit {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    const clock = this.clock;
    for (const name of WEBHOOK_EVENTS)
      this.unitOfWork.onEventInTransaction(name, function* (event: DomainEvent, unit) {
        // Postgres: an endpoint deleted meanwhile is either waited for (its delete takes the rows after this
        // transaction) or not seen (deleted first), never referenced by a delivery after it is gone — the insert below
        // would fail the change with a foreign-key error. SQLite runs one writing transaction at a time.
        const endpoints = yield* unit.read<{ id: string; events: string }>({
          sql: `SELECT id, events FROM webhook_endpoints WHERE enabled = TRUE${unit.postgres ? ' FOR KEY SHARE' : ''}`,
          params: {},
        });
        const subscribed = endpoints.filter((e) => e.events.split(',').includes(event.name));
        if (!subscribed.length) return;
        const at = clock.date();
        const body = webhookBody(event.name, at, event.payload);
        // Plain SQL: this runs inside the request's transaction, where a query builder's cost shows.
        const params: Record<string, unknown> = { type: event.name, body, at, pending: DeliveryStatus.Pending };
        const values = subscribed.map((e, i) => {
          params[`id${i}`] = randomUUID();
          params[`endpoint${i}`] = e.id;
          return `(:id${i}, :endpoint${i}, :type, :body, :pending, 0, :at, :at)`;
        });
        yield* unit.write({
          sql: `INSERT INTO webhook_deliveries (id, endpoint_id, event_type, payload, status, attempts, next_attempt_at, created_at)
                VALUES ${values.join(', ')}`,
          params,
        });
      });
  }
}
