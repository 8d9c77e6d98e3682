import { DataSource } from 'typeorm';
import { ColumnsRotationResult, rotateEncryptedColumns } from '../service-keys/fernet-columns-rotation';
import { UserTotp } from './entities/user-totp.entity';

export type TotpRotationResult = ColumnsRotationResult;

/** Re-encrypts every TOTP secret, confirmed and pending, with the first of `keys` (ids in the result: users). */
export function rotateTotpSecrets(dataSource: DataSource, keys: readonly string[]): Promise<TotpRotationResult> {
  return rotateEncryptedColumns(dataSource, keys, {
    entity: UserTotp,
    id: { property: 'userId', column: 'user_id' },
    columns: [
      ['secretEncrypted', 'secret_encrypted'],
      ['pendingSecretEncrypted', 'pending_secret_encrypted'],
    ],
  });
}
