import { EventEmitter2 } from '@nestjs/event-emitter';
import { SECURITY_EVENT, SecurityEventInput, SecurityEventType } from '../../audit/audit.events';
import { Clock } from '../../common/clock';
import { SessionsService } from '../../sessions/sessions.service';
import { generatePassword } from '../../users/admin-bootstrap.service';
import { PasswordHasher } from '../../users/password/password-hasher.service';
import { checkPassword } from '../../users/password/password-policy';
import { UsersRepository } from '../../users/users.repository';
import { CliGlobals, cliConfig } from '../cli-config';
import { withAppContext } from '../cli-context';
import { CliError } from '../cli-error';
import { Prompter } from '../prompter';
import { askNewPassword } from './admin-account';
import { findUser, noteWithoutRedis } from './find-user';

export interface ResetPasswordOptions {
  password?: string;
  generate?: boolean;
  json?: boolean;
}

/** Sets a new password (prompted, given, or generated and printed once) and ends every session of the user. */
export async function resetPassword(login: string, opts: ResetPasswordOptions, globals: CliGlobals): Promise<void> {
  if (opts.password !== undefined && opts.generate)
    throw CliError.usage('Give either --password or --generate, not both.');
  const config = cliConfig();
  await withAppContext(config, globals, async (ctx) => {
    const user = await findUser(ctx, login);
    const identity = { username: user.username, email: user.email };
    let password: string;
    let generated: string | undefined;
    if (opts.generate) password = generated = generatePassword();
    else if (opts.password !== undefined) {
      const errors = checkPassword(opts.password, identity);
      if (errors.length) throw CliError.usage(`--password: password ${errors[0].message}`);
      password = opts.password;
    } else {
      const prompter = new Prompter();
      try {
        process.stderr.write(`New password for "${user.username}" <${user.email}>.\n`);
        password = await askNewPassword(prompter, identity, (s) => process.stderr.write(s + '\n'));
      } finally {
        prompter.close();
      }
    }

    const hashed = await ctx.get(PasswordHasher).hash(password);
    await ctx.get(UsersRepository).setPassword(user.id, hashed, ctx.get(Clock).date());
    const ended = await ctx.get(SessionsService).revokeAll(user.id, 'password_reset');
    const event: SecurityEventInput = {
      type: SecurityEventType.PasswordReset,
      severity: 'warning',
      userId: user.id,
      actorId: null,
      details: { via: 'cli', sessions_revoked: ended },
    };
    await ctx.get(EventEmitter2).emitAsync(SECURITY_EVENT, event);

    if (opts.json)
      process.stdout.write(
        JSON.stringify({
          id: user.id,
          username: user.username,
          sessions_ended: ended,
          ...(generated ? { password: generated } : {}),
        }) + '\n',
      );
    else {
      process.stdout.write(`Password of "${user.username}" reset; ${ended} session(s) ended.\n`);
      if (generated) process.stdout.write(`New password (generated, shown only this once): ${generated}\n`);
    }
    if (user.lockedUntil && new Date(user.lockedUntil).getTime() > ctx.get(Clock).now())
      process.stderr.write(
        `The account is locked until ${new Date(user.lockedUntil).toISOString()}; \`npm run cli -- unlock ${user.username}\` lifts that.\n`,
      );
    if (ended) noteWithoutRedis(config.redisUrl);
  });
}
