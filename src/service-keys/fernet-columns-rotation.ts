import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { MultiFernet } from './fernet';

export interface ColumnsRotationResult {
  /** Tokens looked at (every non-null column of every row). */
  total: number;
  rotated: number;
  /** Ids of rows with a token none of the keys decrypts (left untouched). */
  undecryptable: string[];
}

/** Which Fernet-encrypted columns of a table to re-encrypt, and how its rows are identified. */
export interface EncryptedColumns<E extends ObjectLiteral> {
  entity: EntityTarget<E>;
  id: { property: keyof E & string; column: string };
  /** [entity property, database column] of each encrypted column. */
  columns: readonly [keyof E & string, string][];
}

/**
 * Re-encrypts the tokens in a small table's Fernet columns with the first of `keys` (as rotate-encryption-key does
 * for service keys). Each UPDATE is conditional on the token it replaces, so a secret changed meanwhile is left
 * alone; tokens already under the first key are skipped.
 */
export async function rotateEncryptedColumns<E extends ObjectLiteral>(
  dataSource: DataSource,
  keys: readonly string[],
  spec: EncryptedColumns<E>,
): Promise<ColumnsRotationResult> {
  const cipher = MultiFernet.fromKeys(keys);
  const repo = dataSource.getRepository(spec.entity);
  const select = Object.fromEntries([spec.id.property, ...spec.columns.map(([p]) => p)].map((p) => [p, true]));
  const rows = await repo.find({ select: select as never });
  const result: ColumnsRotationResult = { total: 0, rotated: 0, undecryptable: [] };
  for (const row of rows) {
    const id = String(row[spec.id.property]);
    for (const [prop, column] of spec.columns) {
      const token = row[prop] as string | null;
      if (!token) continue;
      result.total++;
      if (cipher.isCurrent(token)) continue;
      let next: string;
      try {
        next = cipher.rotate(token);
      } catch {
        if (!result.undecryptable.includes(id)) result.undecryptable.push(id);
        continue;
      }
      const res = await repo
        .createQueryBuilder()
        .update()
        .set({ [prop]: next, updatedAt: () => 'updated_at' } as never)
        .where(`${spec.id.column} = :id AND ${column} = :token`, { id, token })
        .execute();
      result.rotated += res.affected ?? 0;
    }
  }
  return result;
}
