import { DataSource } from 'typeorm';
import { MultiFernet } from '../service-keys/fernet';
import { UserTotp } from './entities/user-totp.entity';

export interface TotpRotationResult {
  /** Secrets (confirmed and pending) looked at. */
  total: number;
  rotated: number;
  /** Ids of users with a secret none of the keys decrypts (left untouched). */
  undecryptable: string[];
}

type Column = 'secretEncrypted' | 'pendingSecretEncrypted';
const COLUMNS: [Column, string][] = [
  ['secretEncrypted', 'secret_encrypted'],
  ['pendingSecretEncrypted', 'pending_secret_encrypted'],
];

/**
 * Re-encrypts every TOTP secret with the first of `keys` (as rotate-encryption-key does for service keys). Each
 * UPDATE is conditional on the token it replaces, so a secret set up again meanwhile is left alone.
 */
export async function rotateTotpSecrets(dataSource: DataSource, keys: readonly string[]): Promise<TotpRotationResult> {
  const cipher = MultiFernet.fromKeys(keys);
  const repo = dataSource.getRepository(UserTotp);
  const rows = await repo.find({ select: { userId: true, secretEncrypted: true, pendingSecretEncrypted: true } });
  const result: TotpRotationResult = { total: 0, rotated: 0, undecryptable: [] };
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
        if (!result.undecryptable.includes(row.userId)) result.undecryptable.push(row.userId);
        continue;
      }
      const res = await repo
        .createQueryBuilder()
        .update(UserTotp)
        .set({ [prop]: next, updatedAt: () => 'updated_at' })
        .where(`user_id = :id AND ${column} = :token`, { id: row.userId, token })
        .execute();
      result.rotated += res.affected ?? 0;
    }
  return result;
}
