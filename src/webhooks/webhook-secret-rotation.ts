import { DataSource } from 'typeorm';
import { ColumnsRotationResult, rotateEncryptedColumns } from '../service-keys/fernet-columns-rotation';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';

export type SecretRotationResult = ColumnsRotationResult;

/** Re-encrypts every endpoint's signing secrets, current and previous, with the first of `keys` (ids: endpoints). */
export function rotateWebhookSecrets(dataSource: DataSource, keys: readonly string[]): Promise<SecretRotationResult> {
  return rotateEncryptedColumns(dataSource, keys, {
    entity: WebhookEndpoint,
    id: { property: 'id', column: 'id' },
    columns: [
      ['secretEncrypted', 'secret_encrypted'],
      ['previousSecretEncrypted', 'previous_secret_encrypted'],
    ],
  });
}
