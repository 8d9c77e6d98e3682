import { iso } from '../users/user.mapper';
import { WebhookAttemptDto, WebhookDeliveryDto, WebhookEndpointDto } from './dto/webhook-response.dto';
import { WebhookAttempt } from './entities/webhook-attempt.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';
import { DeliveryStatus } from './webhooks.enums';

/** An endpoint on the wire: never its secrets. */
export function toEndpointOut(e: WebhookEndpoint, now: number): WebhookEndpointDto {
  const previousLive = e.previousSecretExpiresAt && new Date(e.previousSecretExpiresAt).getTime() > now;
  return {
    id: e.id,
    url: e.url,
    description: e.description,
    events: e.events,
    enabled: e.enabled,
    disabled_reason: e.disabledReason,
    disabled_at: iso(e.disabledAt),
    previous_secret_expires_at: previousLive ? iso(e.previousSecretExpiresAt) : null,
    last_success_at: iso(e.lastSuccessAt),
    created_at: iso(e.createdAt)!,
    updated_at: iso(e.updatedAt)!,
  };
}

const toAttemptOut = (a: WebhookAttempt): WebhookAttemptDto => ({
  attempted_at: iso(a.attemptedAt)!,
  response_status: a.responseStatus,
  error: a.error,
  duration_ms: a.durationMs,
});

export function toDeliveryOut(d: WebhookDelivery, attempts: WebhookAttempt[]): WebhookDeliveryDto {
  return {
    id: d.id,
    endpoint_id: d.endpointId,
    event_type: d.eventType,
    status: d.status,
    attempt_count: d.attempts,
    response_status: d.responseStatus,
    last_error: d.lastError,
    next_attempt_at: d.status === DeliveryStatus.Pending ? iso(d.nextAttemptAt) : null,
    last_attempt_at: iso(d.lastAttemptAt),
    delivered_at: iso(d.deliveredAt),
    created_at: iso(d.createdAt)!,
    payload: JSON.parse(d.payload) as Record<string, unknown>,
    attempts: attempts.map(toAttemptOut),
  };
}
