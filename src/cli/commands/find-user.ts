import { INestApplicationContext } from '@nestjs/common';
import { User } from '../../users/entities/user.entity';
import { UsersService } from '../../users/users.service';
import { CliError } from '../cli-error';

/** A user by username or email (case-insensitive), as sign-in finds them; unknown → exit 1. */
export async function findUser(ctx: INestApplicationContext, login: string): Promise<User> {
  const user = await ctx.get(UsersService).findByLogin(login);
  if (!user) throw new CliError(`No user with username or email "${login}".`);
  return user;
}

/** Without Redis, running instances cache sessions in memory: say when a change here reaches them only later. */
export function noteWithoutRedis(redisUrl: string | undefined): void {
  if (!redisUrl)
    process.stderr.write(
      'Note: REDIS_URL is not set, so running service instances are not notified; they may accept already-issued tokens until restarted.\n',
    );
}
