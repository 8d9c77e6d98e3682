import { DataSource } from 'typeorm';
import { ServiceKey } from './entities/service-key.entity';
import { MultiFernet } from './fernet';

export interface RotationOptions {
  /** Rows read and re-encrypted per transaction (default 500). */
  batchSize?: number;
  /**
   * Called after each committed batch; `done` counts rows looked at so far. Throwing stops the run (safe to re-run).
   */
  onProgress?: (done: number, total: number) => void | Promise<void>;
}

export interface RotationResult {
  /** Rows in the table when the run started. */
  total: number;
  /** Re-encrypted with the first key by this run. */
  rotated: number;
  /** Already encrypted with the first key (left as they were). */
  alreadyCurrent: number;
  /** Ids of rows none of the keys decrypts: left untouched, for the operator to look at. */
  undecryptable: string[];
}

/**
 * Re-encrypts every stored service key with the first of `keys` (ENCRYPTION_KEY order: first encrypts,
 * all decrypt). Rows already under the first key are skipped and each batch commits on its own, so an
 * interrupted run loses nothing and simply continues when run again. Token timestamps are kept.
 */
export async function rotateEncryptionKeys(
  dataSource: DataSource,
  keys: readonly string[],
  opts: RotationOptions = {},
): Promise<RotationResult> {
  const batchSize = opts.batchSize ?? 500;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('batchSize must be a positive integer');
  const cipher = MultiFernet.fromKeys(keys);
  const repo = dataSource.getRepository(ServiceKey);

  const total = await repo.count();
  const result: RotationResult = { total, rotated: 0, alreadyCurrent: 0, undecryptable: [] };
  let done = 0;
  let after: string | undefined;

  for (;;) {
    // Keyset pagination by id: stable while rows are added or deleted meanwhile.
    const query = repo
      .createQueryBuilder('k')
      .select(['k.id', 'k.encryptedKey'])
      .orderBy('k.id', 'ASC')
      .limit(batchSize);
    if (after !== undefined) query.where('k.id > :after', { after });
    const rows = await query.getMany();
    if (rows.length === 0) break;

    const updates: { id: string; from: string; to: string }[] = [];
    for (const row of rows) {
      if (cipher.isCurrent(row.encryptedKey)) result.alreadyCurrent++;
      else {
        try {
          updates.push({ id: row.id, from: row.encryptedKey, to: cipher.rotate(row.encryptedKey) });
        } catch {
          result.undecryptable.push(row.id);
        }
      }
    }

    // Decrypted outside the transaction so it only holds the write lock for the UPDATEs; each UPDATE is
    // conditional on the token it replaces, so a row changed or deleted meanwhile is left alone.
    const rotated = await dataSource.transaction(async (manager) => {
      let n = 0;
      for (const u of updates)
        n +=
          (await manager.update(ServiceKey, { id: u.id, encryptedKey: u.from }, { encryptedKey: u.to })).affected ?? 0;
      return n;
    });
    result.rotated += rotated;
    done += rows.length;
    after = rows[rows.length - 1].id;
    await opts.onProgress?.(done, Math.max(total, done));
  }
  return result;
}
