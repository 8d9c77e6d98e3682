import { EventEmitter2 } from '@nestjs/event-emitter';
import { SECURITY_EVENT, SecurityEventInput, SecurityEventType } from '../../audit/audit.events';
import { Clock } from '../../common/clock';
import { UsersRepository } from '../../users/users.repository';
import { CliGlobals, cliConfig } from '../cli-config';
import { withAppContext } from '../cli-context';
import { findUser } from './find-user';

/** Lifts a lockout and resets the failed-attempt count. */
export async function unlock(login: string, globals: CliGlobals): Promise<void> {
  const config = cliConfig();
  await withAppContext(config, globals, async (ctx) => {
    const user = await findUser(ctx, login);
    const locked = !!user.lockedUntil && new Date(user.lockedUntil).getTime() > ctx.get(Clock).now();
    if (!locked && user.failedLoginAttempts === 0) {
      process.stdout.write(`"${user.username}" is not locked; nothing changed.\n`);
      return;
    }
    await ctx.get(UsersRepository).update(user.id, { failedLoginAttempts: 0, lockedUntil: null });
    const event: SecurityEventInput = {
      type: SecurityEventType.AccountUnlocked,
      userId: user.id,
      actorId: null,
      details: { via: 'cli', was_locked: locked },
    };
    await ctx.get(EventEmitter2).emitAsync(SECURITY_EVENT, event);
    process.stdout.write(
      locked
        ? `"${user.username}" unlocked.\n`
        : `"${user.username}" was not locked; its ${user.failedLoginAttempts} failed attempt(s) were reset.\n`,
    );
  });
}
