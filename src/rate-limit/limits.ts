import { AppConfig, RateLimitWindows } from '../config/app-config';
import { Role } from '../users/users.enums';

/** A user's effective windows: the admin-set overrides, else the role default (admins × multiplier). */
export function resolveUserLimits(
  config: AppConfig,
  role: Role,
  overrides: { perMinute: number | null; perHour: number | null; perDay: number | null },
): RateLimitWindows {
  const m = role === Role.Admin ? config.rateLimit.adminMultiplier : 1;
  const d = config.rateLimit.user;
  return {
    perMinute: overrides.perMinute ?? d.perMinute * m,
    perHour: overrides.perHour ?? d.perHour * m,
    perDay: overrides.perDay ?? d.perDay * m,
  };
}
