import { DataSource, Not, IsNull } from 'typeorm';
import { MultiFernet } from '../service-keys/fernet';
import { RotationResult } from '../service-keys/key-rotation';
import { SigningKey } from './entities/signing-key.entity';

/**
 * Re-encrypts the private halves of the signing keys (current and next; retired keys hold none) with the first of
 * `keys`, as rotate-encryption-key does for service keys: each update is conditional on the text it replaces, so a
 * key rotated or re-encrypted meanwhile is left alone, and a run can be repeated.
 */
export async function rotateSigningKeyEncryption(
  dataSource: DataSource,
  keys: readonly string[],
  opts: { onProgress?: (done: number, total: number) => void } = {},
): Promise<RotationResult> {
  const cipher = MultiFernet.fromKeys(keys);
  const repo = dataSource.getRepository(SigningKey);
  const rows = await repo.find({
    select: { id: true, encryptedPrivateKey: true },
    where: { encryptedPrivateKey: Not(IsNull()) },
    order: { id: 'ASC' },
  });
  const result: RotationResult = { total: rows.length, rotated: 0, alreadyCurrent: 0, undecryptable: [] };
  let done = 0;
  for (const row of rows) {
    const token = row.encryptedPrivateKey!;
    if (cipher.isCurrent(token)) result.alreadyCurrent++;
    else {
      let rotated: string | undefined;
      try {
        rotated = cipher.rotate(token);
      } catch {
        result.undecryptable.push(row.id);
      }
      if (rotated)
        result.rotated +=
          (await repo.update({ id: row.id, encryptedPrivateKey: token }, { encryptedPrivateKey: rotated })).affected ??
          0;
    }
    opts.onProgress?.(++done, rows.length);
  }
  return result;
}
