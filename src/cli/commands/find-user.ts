import { INestApplicationContext } from '@nestjs/common';
import { AUTH_STATE_TTL_MS } from '../../auth/credential/principal-cache';
import { User } from '../../users/entities/user.entity';
import { UsersService } from '../../users/users.service';
import { CliError } from '../cli-error';

/** A user by username or email (case-insensitive), as sign-in finds them; unknown → exit 1. */
export async function findUser(ctx: INestApplicationContext, login: string): Promise<User> {
  const user = await ctx.get(UsersService).findByLogin(login);
  if (!user) throw new CliError(`No user with username or email "${login}".`);
  return user;
}

/** Without Redis, running instances are not told of a change made here; their cached state expires instead. */
export function noteWithoutRedis(redisUrl: string | undefined): void {
  if (!redisUrl)
    process.stderr.write(
      `Note: REDIS_URL is not set, so running service instances are not notified; they refuse the ended sessions within ${AUTH_STATE_TTL_MS / 1000} s, when their cached session state expires.\n`,
    );
}
