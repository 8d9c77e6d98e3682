import { CliGlobals, cliConfig } from '../cli-config';
import { withAppContext } from '../cli-context';
import { Prompter } from '../prompter';
import { AdminOptions, createAdminAccount, printCreatedAdmin } from './admin-account';

/** Another admin account, whether or not one exists. */
export async function createAdmin(opts: AdminOptions, globals: CliGlobals): Promise<void> {
  const config = cliConfig();
  await withAppContext(config, globals, async (ctx) => {
    const prompter = new Prompter();
    try {
      printCreatedAdmin(await createAdminAccount(ctx, null, opts, prompter), opts.json);
    } finally {
      prompter.close();
    }
  });
}
