import { createHash } from 'node:crypto';
import { DataSource } from 'typeorm';

/**
 * Append-only logs of attempts: a rejected sign-in is recorded there by design (login_history, security_events),
 * so they are left out of the "a rejected request changes nothing" comparison.
 */
const ATTEMPT_LOGS = new Set(['login_history', 'security_events']);
/** Written by the buffered per-request counters of accepted (authenticated) requests, not by the rejected ones. */
const VOLATILE = /^(usage_.*|.*last_used_at|last_active_at|updated_at)$/;

export interface DbSnapshot {
  counts: Record<string, number>;
  hashes: Record<string, string>;
}

/** Row count of every table, and a content hash of each (every column but the volatile ones), ordered by id. */
export async function snapshotDatabase(ds: DataSource): Promise<DbSnapshot> {
  const snap: DbSnapshot = { counts: {}, hashes: {} };
  const q = (name: string) => ds.driver.escape(name);
  for (const meta of ds.entityMetadatas) {
    const table = meta.tableName;
    if (ATTEMPT_LOGS.has(table)) continue;
    const [{ n }] = await ds.query(`SELECT COUNT(*) AS n FROM ${q(table)}`);
    snap.counts[table] = Number(n);
    const cols = meta.columns.map((c) => c.databaseName).filter((c) => !VOLATILE.test(c));
    const order = meta.primaryColumns.map((c) => q(c.databaseName)).join(', ');
    const rows: unknown[] = await ds.query(`SELECT ${cols.map(q).join(', ')} FROM ${q(table)} ORDER BY ${order}`);
    snap.hashes[table] = createHash('sha256').update(JSON.stringify(rows)).digest('hex');
  }
  return snap;
}
