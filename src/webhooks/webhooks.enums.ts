/** The events an endpoint can subscribe to: domain events published through the UnitOfWork. */
export const WEBHOOK_EVENTS = [
  'user.created',
  'user.updated',
  'user.suspended',
  'user.unsuspended',
  'user.deleted',
  'session.revoked',
  'api_key.created',
  'api_key.revoked',
  'mfa.disabled',
  'security.alert',
  'quota.threshold',
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Sent by `POST …/test` only (no endpoint subscribes to it). */
export const TEST_EVENT = 'webhook.test';

export enum DeliveryStatus {
  /** Waiting for its next try (or being sent). */
  Pending = 'pending',
  Succeeded = 'succeeded',
  /** Every try of the retry schedule failed. */
  Failed = 'failed',
}
