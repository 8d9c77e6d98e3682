import { ApiProperty } from '@nestjs/swagger';
import { DeliveryStatus } from '../webhooks.enums';

export class WebhookEndpointDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty()
  url: string;

  @ApiProperty({ type: String, nullable: true })
  description: string | null;

  @ApiProperty({ type: String, isArray: true })
  events: string[];

  @ApiProperty()
  enabled: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Why the endpoint was disabled' })
  disabled_reason: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  disabled_at: string | null;

  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Until then the secret before the last rotation signs too (a second v1 signature)',
  })
  previous_secret_expires_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_success_at: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ format: 'date-time' })
  updated_at: string;
}

export class CreatedWebhookEndpointDto extends WebhookEndpointDto {
  @ApiProperty({ example: 'whsec_…', description: 'The signing secret, shown this once' })
  secret: string;
}

export class WebhookAttemptDto {
  @ApiProperty({ format: 'date-time' })
  attempted_at: string;

  @ApiProperty({ type: 'integer', nullable: true, description: 'null: no HTTP response (see error)' })
  response_status: number | null;

  @ApiProperty({ type: String, nullable: true })
  error: string | null;

  @ApiProperty({ type: 'integer' })
  duration_ms: number;
}

export class WebhookDeliveryDto {
  @ApiProperty({ format: 'uuid', description: 'Also the webhook-id header of every try' })
  id: string;

  @ApiProperty({ format: 'uuid' })
  endpoint_id: string;

  @ApiProperty({ example: 'user.suspended' })
  event_type: string;

  @ApiProperty({ enum: DeliveryStatus })
  status: DeliveryStatus;

  @ApiProperty({ type: 'integer', description: 'Tries made so far' })
  attempt_count: number;

  @ApiProperty({ type: 'integer', nullable: true, description: 'HTTP status of the last try' })
  response_status: number | null;

  @ApiProperty({ type: String, nullable: true })
  last_error: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'null once it succeeded or failed' })
  next_attempt_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_attempt_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  delivered_at: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ description: 'The body sent: {type, timestamp, data}' })
  payload: Record<string, unknown>;

  @ApiProperty({ type: WebhookAttemptDto, isArray: true, description: 'Every try, oldest first' })
  attempts: WebhookAttemptDto[];
}

export class WebhookDeliveryPageDto {
  @ApiProperty({ type: WebhookDeliveryDto, isArray: true })
  deliveries: WebhookDeliveryDto[];

  @ApiProperty({ type: 'integer' })
  page: number;

  @ApiProperty({ type: 'integer' })
  per_page: number;

  @ApiProperty({ type: 'integer' })
  total: number;

  @ApiProperty({ type: 'integer' })
  pages: number;
}
