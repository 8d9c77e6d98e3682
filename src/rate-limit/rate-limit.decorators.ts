import { SetMetadata } from '@nestjs/common';
import { RateLimitWindows } from '../config/app-config';

export const RATE_LIMIT_AUTH = 'voicegate:rate-limit:auth';
export const RATE_LIMIT_SKIP = 'voicegate:rate-limit:skip';
export const RATE_LIMIT_OVERRIDE = 'voicegate:rate-limit:override';

/** Stricter per-IP limit of the credential endpoints (register/token/login/refresh): RATE_LIMIT_AUTH_PER_MINUTE. */
export const AuthRateLimit = () => SetMetadata(RATE_LIMIT_AUTH, true);

/** Exempt from rate limiting (health, docs). */
export const SkipRateLimit = () => SetMetadata(RATE_LIMIT_SKIP, true);

/** Endpoint override: these windows replace the identity's defaults on this route. */
export const RateLimit = (windows: Partial<RateLimitWindows>) => SetMetadata(RATE_LIMIT_OVERRIDE, windows);
