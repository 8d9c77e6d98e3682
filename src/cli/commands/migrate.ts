import { DataSource } from 'typeorm';
import { CliGlobals, cliConfig, describeDatabase } from '../cli-config';
import { runPendingMigrations, withDataSource } from '../cli-database';
import { CliError } from '../cli-error';
import { Prompter } from '../prompter';

export type MigrateAction = 'run' | 'revert' | 'show';

export interface MigrateOptions {
  yes?: boolean;
  check?: boolean;
}

/** The TypeORM migration commands, without building first: run, revert (the last one), show. */
export async function migrate(action: MigrateAction, opts: MigrateOptions, _globals: CliGlobals): Promise<void> {
  const config = cliConfig();
  process.stderr.write(`Database: ${describeDatabase(config)}\n`);
  await withDataSource(config, async (ds) => {
    if (action === 'run') {
      const applied = await runPendingMigrations(ds);
      process.stdout.write(applied.length ? `${applied.length} migration(s) applied.\n` : 'No pending migrations.\n');
    } else if (action === 'show') {
      const executed = await executedMigrations(ds);
      let pending = 0;
      for (const m of ds.migrations) {
        const done = executed.has(m.name ?? m.constructor.name);
        if (!done) pending++;
        process.stdout.write(`[${done ? 'X' : ' '}] ${m.name ?? m.constructor.name}\n`);
      }
      process.stdout.write(pending ? `${pending} pending.\n` : 'Up to date.\n');
      if (opts.check && pending) throw new CliError(`${pending} migration(s) pending.`);
    } else {
      const executed = await executedMigrations(ds);
      if (!executed.size) {
        process.stdout.write('No migration has been applied; nothing to revert.\n');
        return;
      }
      const last = [...executed.keys()].pop()!;
      if (!opts.yes) {
        const prompter = new Prompter();
        try {
          if (!(await prompter.confirm(`Revert migration ${last}? This can drop tables and their data.`, false)))
            throw new CliError('Cancelled; nothing was reverted.');
        } finally {
          prompter.close();
        }
      }
      await ds.undoLastMigration({ transaction: 'each' });
      process.stdout.write(`Reverted migration ${last}.\n`);
    }
  });
}

/** Applied migration names, in the order they were applied. */
async function executedMigrations(ds: DataSource): Promise<Map<string, number>> {
  const runner = ds.createQueryRunner();
  try {
    if (!(await runner.hasTable(ds.options.migrationsTableName ?? 'migrations'))) return new Map();
    const rows: { name: string; timestamp: string | number }[] = await runner.query(
      `SELECT name, timestamp FROM ${ds.driver.escape(ds.options.migrationsTableName ?? 'migrations')} ORDER BY id ASC`,
    );
    return new Map(rows.map((r) => [r.name, Number(r.timestamp)]));
  } finally {
    await runner.release();
  }
}
