import { INestApplicationContext } from '@nestjs/common';
import { AppError, ErrorCode } from '../../common/errors';
import { AppConfig } from '../../config/app-config';
import { generatePassword } from '../../users/admin-bootstrap.service';
import { User } from '../../users/entities/user.entity';
import { checkPassword } from '../../users/password/password-policy';
import { Role } from '../../users/users.enums';
import { UsersService } from '../../users/users.service';
import { CliError } from '../cli-error';
import { Prompter } from '../prompter';

export interface AdminOptions {
  email?: string;
  username?: string;
  password?: string;
  generatePassword?: boolean;
  fullName?: string;
  yes?: boolean;
  json?: boolean;
}

export interface CreatedAdmin {
  user: User;
  apiKey: string;
  generatedPassword?: string;
}

/**
 * Collects an admin's email, username and password (options first, then ADMIN_* from `config` when given,
 * then prompts), checks each like registration does, and creates the account. A bad value given as an option is a
 * usage error; a bad answer to a prompt is explained and asked again.
 */
export async function createAdminAccount(
  ctx: INestApplicationContext,
  config: AppConfig | null,
  opts: AdminOptions,
  prompter: Prompter,
): Promise<CreatedAdmin> {
  const users = ctx.get(UsersService);
  const env: AppConfig['admin'] = config?.admin ?? {};
  const note = (s: string) => process.stderr.write(s + '\n');

  const email = await field({
    given: opts.email ?? env.email,
    givenFrom: opts.email !== undefined ? '--email' : 'ADMIN_EMAIL',
    ask: () => prompter.ask('Admin email: '),
    check: async (v) => {
      const errors = users.validateIdentity({ email: v });
      if (errors.length) return `Email ${errors[0].message}`;
      return taken(() => users.assertAvailable(v, null));
    },
    note,
  });
  const username = await field({
    given: opts.username ?? env.username,
    givenFrom: opts.username !== undefined ? '--username' : 'ADMIN_USERNAME',
    ask: () => prompter.ask('Admin username: '),
    check: async (v) => {
      const errors = users.validateIdentity({ username: v });
      if (errors.length) return `Username ${errors[0].message}`;
      return taken(() => users.assertAvailable(null, v));
    },
    note,
  });

  let password = opts.password ?? (opts.generatePassword ? undefined : env.password);
  let generatedPassword: string | undefined;
  if (opts.generatePassword) password = generatedPassword = generatePassword();
  else if (password !== undefined) {
    const errors = checkPassword(password, { username, email });
    if (errors.length)
      throw CliError.usage(
        `${opts.password !== undefined ? '--password' : 'ADMIN_PASSWORD'}: password ${errors[0].message}`,
      );
  } else password = await askNewPassword(prompter, { username, email }, note);

  if (
    !opts.yes &&
    !(await prompter.confirm(`Create admin "${username}" <${UsersService.normalizeEmail(email)}>?`, true))
  )
    throw new CliError('Cancelled; nothing was created.');

  try {
    const { user, apiKey } = await users.create({
      email,
      username,
      password,
      fullName: opts.fullName ?? null,
      role: Role.Admin,
      isVerified: true,
      skipPolicy: true,
    });
    return { user, apiKey, generatedPassword };
  } catch (err) {
    if (err instanceof AppError && (err.code === ErrorCode.UsernameTaken || err.code === ErrorCode.EmailTaken))
      throw new CliError(err.detail);
    throw err;
  }
}

async function taken(check: () => Promise<void>): Promise<string | null> {
  try {
    await check();
    return null;
  } catch (err) {
    if (err instanceof AppError) return err.detail;
    throw err;
  }
}

async function field(f: {
  given?: string;
  givenFrom: string;
  ask: () => Promise<string>;
  check: (v: string) => Promise<string | null>;
  note: (s: string) => void;
}): Promise<string> {
  if (f.given !== undefined) {
    const problem = await f.check(f.given);
    if (problem)
      throw problem.endsWith('already registered')
        ? new CliError(`${f.givenFrom}: ${problem}`)
        : CliError.usage(`${f.givenFrom}: ${problem}`);
    return f.given;
  }
  for (;;) {
    const v = await f.ask();
    const problem = await f.check(v);
    if (!problem) return v;
    f.note(problem + '; try again.');
  }
}

/** Hidden prompt with confirmation, checked against the password policy; asks again until it passes. */
export async function askNewPassword(
  prompter: Prompter,
  ctx: { username: string; email: string },
  note: (s: string) => void,
): Promise<string> {
  for (;;) {
    const pw = await prompter.ask('Password: ', { hidden: true });
    const errors = checkPassword(pw, ctx);
    if (errors.length) {
      note(`Password ${errors[0].message}; try again.`);
      continue;
    }
    const again = await prompter.ask('Repeat password: ', { hidden: true });
    if (again !== pw) {
      note('The passwords do not match; try again.');
      continue;
    }
    return pw;
  }
}

/** What init-db and create-admin print on stdout: the account and its one-time secrets. */
export function printCreatedAdmin(created: CreatedAdmin, json: boolean | undefined): void {
  const { user, apiKey, generatedPassword } = created;
  if (json) {
    process.stdout.write(
      JSON.stringify({
        id: user.id,
        username: user.username,
        email: user.email,
        role: user.role,
        api_key: apiKey,
        ...(generatedPassword ? { password: generatedPassword } : {}),
      }) + '\n',
    );
    return;
  }
  const lines = [`Admin "${user.username}" <${user.email}> created (id ${user.id}).`];
  if (generatedPassword) lines.push(`Password (generated, shown only this once): ${generatedPassword}`);
  lines.push(`API key (shown only this once): ${apiKey}`);
  process.stdout.write(lines.join('\n') + '\n');
}
