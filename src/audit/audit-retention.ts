import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { LoginHistory } from './entities/login-history.entity';
import { SecurityEvent } from './entities/security-event.entity';
import { dialectOf } from '../database/dialect';

export interface PruneResult {
  loginHistory: number;
  securityEvents: number;
}

export interface PruneOptions {
  /** Rows deleted per statement (short transactions, no long table lock). Default 1000. */
  batchSize?: number;
  /** Called after each batch, e.g. for a progress line. */
  onProgress?: (table: 'login_history' | 'security_events', deletedSoFar: number) => void;
}

const DAY_MS = 86_400_000;

/** The cut-off for `auditRetentionDays` (AUDIT_RETENTION_DAYS): rows older than this go; null = keep everything. */
export function auditRetentionCutoff(config: Pick<AppConfig, 'auditRetentionDays'>, now: Date): Date | null {
  return config.auditRetentionDays > 0 ? new Date(now.getTime() - config.auditRetentionDays * DAY_MS) : null;
}

/**
 * The one documented way audit rows are removed (the CLI's cleanup command): deletes login_history and
 * security_events rows older than `olderThan`, in batches, and returns how many of each went.
 */
export async function pruneAudit(
  dataSource: DataSource,
  olderThan: Date,
  opts: PruneOptions = {},
): Promise<PruneResult> {
  const batch = Math.max(1, Math.trunc(opts.batchSize ?? 1000));
  const cutoff = dialectOf(dataSource).time(olderThan);
  const prune = async (
    entity: typeof LoginHistory | typeof SecurityEvent,
    table: 'login_history' | 'security_events',
    column: string,
  ) => {
    let total = 0;
    for (;;) {
      // DELETE … LIMIT is not portable; a bounded id sub-select is, on both drivers (and uses the time index).
      const res = await dataSource
        .createQueryBuilder()
        .delete()
        .from(entity)
        .where(`id IN (SELECT id FROM ${table} WHERE ${column} < :cutoff ORDER BY ${column} LIMIT ${batch})`, {
          cutoff,
        })
        .execute();
      const n = res.affected ?? 0;
      total += n;
      if (n > 0) opts.onProgress?.(table, total);
      if (n < batch) return total;
    }
  };
  const loginHistory = await prune(LoginHistory, 'login_history', 'login_at');
  const securityEvents = await prune(SecurityEvent, 'security_events', 'created_at');
  return { loginHistory, securityEvents };
}
