import { DataSource } from 'typeorm';
import { MultiFernet } from '../service-keys/fernet';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';

export interface SecretRotationResult {
  /** Secrets (current and previous) looked at. */
  total: number;
  rotated: number;
  /** Ids of endpoints with a secret none of the keys decrypts (left untouched). */
  undecryptable: string[];
}

type Column = 'secretEncrypted' | 'previousSecretEncrypted';
const COLUMNS: [Column, string][] = [
  ['secretEncrypted', 'secret_encrypted'],
  ['previousSecretEncrypted', 'previous_secret_encrypted'],
];

/**
 * Re-encrypts every endpoint's signing secrets with the first of `keys` (as rotate-encryption-key does for service
 * keys). Each UPDATE is conditional on the token it replaces, so a secret rotated meanwhile is left alone.
 */
export async function rotateWebhookSecrets(
  dataSource: DataSource,
  keys: readonly string[],
): Promise<SecretRotationResult> {
  const cipher = MultiFernet.fromKeys(keys);
  const repo = dataSource.getRepository(WebhookEndpoint);
  const rows = await repo.find({ select: { id: true, secretEncrypted: true, previousSecretEncrypted: true } });
  const result: SecretRotationResult = { total: 0, rotated: 0, undecryptable: [] };
  for (const row of rows)
    for (const [prop, column] of COLUMNS) {
      const token = row[prop];
      if (!token) continue;
      result.total++;
      if (cipher.isCurrent(token)) continue;
      let next: string;
      try {
        next = cipher.rotate(token);
      } catch {
        if (!result.undecryptable.includes(row.id)) result.undecryptable.push(row.id);
        continue;
      }
      const res = await repo
        .createQueryBuilder()
        .update(WebhookEndpoint)
        .set({ [prop]: next, updatedAt: () => 'updated_at' })
        .where(`id = :id AND ${column} = :token`, { id: row.id, token })
        .execute();
      result.rotated += res.affected ?? 0;
    }
  return result;
}
