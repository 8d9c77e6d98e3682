import { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { pruneAudit } from '../../audit/audit-retention';
import { LoginHistory } from '../../audit/entities/login-history.entity';
import { SecurityEvent } from '../../audit/entities/security-event.entity';
import { Clock } from '../../common/clock';
import { MfaChallenge } from '../../mfa/entities/mfa-challenge.entity';
import { WebauthnChallenge } from '../../mfa/entities/webauthn-challenge.entity';
import { RevokedToken } from '../../sessions/entities/revoked-token.entity';
import { UserSession } from '../../sessions/entities/user-session.entity';
import { CliGlobals, cliConfig } from '../cli-config';
import { withAppContext } from '../cli-context';
import { CliError } from '../cli-error';
import { dialectOf } from '../../database/dialect';

export interface CleanupOptions {
  retentionDays?: number;
  dryRun?: boolean;
  json?: boolean;
}

interface Target {
  label: string;
  entity: EntityTarget<ObjectLiteral>;
  column: string;
  before: Date | null;
}

/**
 * Deletes what no rule needs any more: sessions past their expiry (revoked or not), revoked_tokens, sign-in steps and
 * WebAuthn challenges past their expires_at, and login history and security events older than AUDIT_RETENTION_DAYS
 * (0 keeps them forever).
 */
export async function cleanup(opts: CleanupOptions, globals: CliGlobals): Promise<void> {
  const config = cliConfig();
  const retention = opts.retentionDays ?? config.auditRetentionDays;
  if (!Number.isInteger(retention) || retention < 0)
    throw CliError.usage('--retention-days must be a whole number ≥ 0');
  const counts = await withAppContext(config, globals, async (ctx) => {
    const ds = ctx.get(DataSource);
    const now = ctx.get(Clock).date();
    const cutoff = retention > 0 ? new Date(now.getTime() - retention * 86_400_000) : null;
    const targets: Target[] = [
      { label: 'expired sessions', entity: UserSession, column: 'expires_at', before: now },
      { label: 'expired revoked tokens', entity: RevokedToken, column: 'expires_at', before: now },
      { label: 'expired sign-in steps (mfa_token)', entity: MfaChallenge, column: 'expires_at', before: now },
      { label: 'expired WebAuthn challenges', entity: WebauthnChallenge, column: 'expires_at', before: now },
      { label: `login history older than ${retention} days`, entity: LoginHistory, column: 'login_at', before: cutoff },
      {
        label: `security events older than ${retention} days`,
        entity: SecurityEvent,
        column: 'created_at',
        before: cutoff,
      },
    ];
    const result: { label: string; table: string; count: number }[] = [];
    // Audit rows go through the audit module's pruneAudit (batched deletes); the rest is one statement each.
    const pruned = !opts.dryRun && cutoff ? await pruneAudit(ds, cutoff) : null;
    for (const t of targets) {
      const table = ds.getMetadata(t.entity).tableName;
      if (!t.before) {
        result.push({ label: `${table}: kept (retention 0 keeps everything)`, table, count: 0 });
        continue;
      }
      const params = { before: dialectOf(ds).time(t.before) };
      let count: number;
      if (pruned && t.entity === LoginHistory) count = pruned.loginHistory;
      else if (pruned && t.entity === SecurityEvent) count = pruned.securityEvents;
      else if (opts.dryRun)
        count = await ds.createQueryBuilder(t.entity, 't').where(`t.${t.column} < :before`, params).getCount();
      else
        count =
          (await ds.createQueryBuilder().delete().from(t.entity).where(`${t.column} < :before`, params).execute())
            .affected ?? 0;
      result.push({ label: t.label, table, count });
    }
    return result;
  });
  if (opts.json) {
    process.stdout.write(
      JSON.stringify({
        dry_run: !!opts.dryRun,
        retention_days: retention,
        deleted: Object.fromEntries(counts.map((c) => [c.table, c.count])),
      }) + '\n',
    );
    return;
  }
  const width = Math.max(...counts.map((c) => c.label.length));
  process.stdout.write(
    `${opts.dryRun ? 'Would delete (dry run)' : 'Deleted'}:\n${counts.map((c) => `  ${c.label.padEnd(width)}  ${c.count}`).join('\n')}\n`,
  );
}
