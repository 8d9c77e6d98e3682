import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { VERSION } from '../version';
import { CliGlobals } from './cli-config';
import { CliError, EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from './cli-error';
import type { MigrateAction } from './commands/migrate';

// Commands load on use: `--help` and `generate-secrets` answer without loading Nest and TypeORM (~1 s).
const commands = {
  initDb: () => import('./commands/init-db'),
  createAdmin: () => import('./commands/create-admin'),
  resetPassword: () => import('./commands/reset-password'),
  unlock: () => import('./commands/unlock'),
  rotate: () => import('./commands/rotate-encryption-key'),
  rotateSigning: () => import('./commands/rotate-signing-key'),
  cleanup: () => import('./commands/cleanup'),
  secrets: () => import('./commands/generate-secrets'),
  migrate: () => import('./commands/migrate'),
};

const positiveInt = (name: string, min: number) => (value: string) => {
  if (!/^\d+$/.test(value) || Number(value) < min)
    throw new InvalidArgumentError(`${name} must be a whole number ≥ ${min}.`);
  return Number(value);
};

const ENV_NOTE = `
The CLI reads the service's environment (DATABASE_URL, ENCRYPTION_KEY, …; see README "Configuration"),
so it works on the database the service uses. Results go to stdout, messages and prompts to stderr.
Exit codes: 0 success, 1 operational failure, 2 usage error.`;

function adminOptions(cmd: Command): Command {
  return cmd
    .option('--email <email>', "the admin's email address")
    .option('--username <name>', "the admin's username (3–32 of letters, digits, _ . -)")
    .option('--password <password>', 'the password (visible in the process list: prefer the prompt)')
    .option('--generate-password', 'generate a strong password and print it once')
    .option('--full-name <name>', "the admin's full name")
    .option('-y, --yes', 'do not ask for confirmation (scripts)')
    .option('--json', 'print the result as one JSON object');
}

export function buildProgram(): Command {
  const program = new Command('voicegate-cli');
  const globals = (): CliGlobals => program.opts<CliGlobals>();
  program
    .description('Voicegate operator commands (npm run cli -- <command> [options]).')
    .version(VERSION, '-V, --version')
    .option('-v, --verbose', 'show the application log on stderr')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .addHelpText('after', ENV_NOTE);

  adminOptions(
    program
      .command('init-db')
      .description(
        'Apply migrations and create the first admin (asks for email, username and password), then print its API key. ' +
          'On an initialised database it only reports the existing admin.',
      )
      .option('--add-admin', 'create another admin even though one exists'),
  )
    .addHelpText(
      'after',
      '\nWithout options, ADMIN_EMAIL/ADMIN_USERNAME/ADMIN_PASSWORD from the environment are used when set.\nExample: npm run init-db -- --email ops@example.com --username ops --generate-password --yes',
    )
    .action(async (opts) => (await commands.initDb()).initDb(opts, globals()));

  adminOptions(
    program
      .command('create-admin')
      .description('Create an admin account (asks for what is not given as an option) and print its API key.'),
  ).action(async (opts) => (await commands.createAdmin()).createAdmin(opts, globals()));

  program
    .command('reset-password')
    .description("Set a user's password and end all of the user's sessions.")
    .argument('<user>', 'username or email')
    .option('--password <password>', 'the new password (visible in the process list: prefer the prompt)')
    .option('--generate', 'generate a strong password and print it once')
    .option('--json', 'print the result as one JSON object')
    .action(async (user, opts) => (await commands.resetPassword()).resetPassword(user, opts, globals()));

  program
    .command('unlock')
    .description('Lift a lockout after too many failed sign-ins, and reset the failed-attempt count.')
    .argument('<user>', 'username or email')
    .action(async (user) => (await commands.unlock()).unlock(user, globals()));

  program
    .command('rotate-encryption-key')
    .description(
      'Re-encrypt every stored service key and signing key with the first key of ENCRYPTION_KEY (resumable; shows progress).',
    )
    .option('--batch-size <n>', 'keys per transaction', positiveInt('--batch-size', 1), 500)
    .addHelpText(
      'after',
      '\nRotation: put a new key first in ENCRYPTION_KEY, keeping the old ones after it\n(`npm run cli -- generate-secrets --keep-old-keys` prints that line), restart the service, run this\ncommand, then remove the old keys.',
    )
    .action(async (opts) => (await commands.rotate()).rotateEncryptionKey(opts, globals()));

  program
    .command('rotate-signing-key')
    .description(
      'Under ALGORITHM=EdDSA/ES256/RS256: promote the next signing key to current, retire the current one (published ' +
        'until every token it signed has expired) and create a new next key.',
    )
    .option('--json', 'print the result as one JSON object')
    .addHelpText(
      'after',
      '\nThe service may keep running: instances pick the change up at once through Redis, or within a minute.\n' +
        'SIGNING_KEY_ROTATION_DAYS rotates automatically as well.',
    )
    .action(async (opts) => (await commands.rotateSigning()).rotateSigningKey(opts, globals()));

  program
    .command('cleanup')
    .description(
      'Delete expired sessions and revoked-token entries, and login history and security events older than AUDIT_RETENTION_DAYS.',
    )
    .option(
      '--retention-days <days>',
      'audit retention in days instead of AUDIT_RETENTION_DAYS (0 keeps everything)',
      positiveInt('--retention-days', 0),
    )
    .option('--dry-run', 'only count what would be deleted')
    .option('--json', 'print the counts as one JSON object')
    .action(async (opts) => (await commands.cleanup()).cleanup(opts, globals()));

  program
    .command('generate-secrets')
    .description('Print a fresh SECRET_KEY and ENCRYPTION_KEY (Fernet) as lines for .env.')
    .option('--keep-old-keys', 'append the current ENCRYPTION_KEY keys after the new one (key rotation)')
    .option('--json', 'print them as one JSON object')
    .action(async (opts) => (await commands.secrets()).generateSecrets(opts));

  program
    .command('migrate')
    .description('Database migrations: run the pending ones, revert the last one, or show their state.')
    .addArgument(new Argument('<action>', 'what to do').choices(['run', 'revert', 'show']))
    .option('-y, --yes', 'revert without asking')
    .addOption(new Option('--check', 'with show: exit 1 when migrations are pending'))
    .action(async (action: MigrateAction, opts) => (await commands.migrate()).migrate(action, opts, globals()));

  return program;
}

/** Parses and runs one command; returns the exit code (never throws). */
export async function runCli(argv: string[]): Promise<number> {
  const program = buildProgram();
  if (argv.length <= 2) {
    program.outputHelp({ error: true });
    return EXIT_USAGE;
  }
  try {
    await program.parseAsync(argv);
    return EXIT_OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and --version end with 0; every parse error (already printed by commander) is a usage error.
      return err.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (err instanceof CliError) {
      process.stderr.write(`error: ${err.message}\n`);
      return err.exitCode;
    }
    process.stderr.write(
      `error: ${err instanceof Error ? (program.opts<CliGlobals>().verbose ? err.stack : err.message) : String(err)}\n`,
    );
    return EXIT_FAILURE;
  }
}
