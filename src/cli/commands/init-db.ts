import { AdminBootstrapService } from '../../users/admin-bootstrap.service';
import { UsersRepository } from '../../users/users.repository';
import { CliGlobals, cliConfig, describeDatabase } from '../cli-config';
import { withAppContext } from '../cli-context';
import { Prompter } from '../prompter';
import { AdminOptions, createAdminAccount, printCreatedAdmin } from './admin-account';

export interface InitDbOptions extends AdminOptions {
  addAdmin?: boolean;
}

/**
 * Migrate, then create the first admin (asked for interactively, or from options)
 * and show its API key. On an initialised database it changes nothing unless --add-admin.
 */
export async function initDb(opts: InitDbOptions, globals: CliGlobals): Promise<void> {
  const config = cliConfig();
  process.stderr.write(`Database: ${describeDatabase(config)}\n`);
  await withAppContext(
    config,
    globals,
    async (ctx) => {
      process.stderr.write('Schema is up to date.\n');
      if (!opts.addAdmin && (await ctx.get(AdminBootstrapService).adminExists())) {
        const admins = await ctx.get(UsersRepository).firstAdminNames(5);
        const names = admins.map((a) => `"${a}"`).join(', ');
        if (opts.json) process.stdout.write(JSON.stringify({ created: false, admins }) + '\n');
        else
          process.stdout.write(
            `An admin already exists (${names}); nothing changed. Use --add-admin to create another.\n`,
          );
        return;
      }
      const prompter = new Prompter();
      try {
        if (!opts.yes || !opts.email || !opts.username)
          process.stderr.write(opts.addAdmin ? 'Create another admin account.\n' : 'Create the first admin account.\n');
        const created = await createAdminAccount(ctx, config, opts, prompter);
        printCreatedAdmin(created, opts.json);
      } finally {
        prompter.close();
      }
    },
    { migrate: true },
  );
}
