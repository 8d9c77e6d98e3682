import { Inject, Injectable } from '@nestjs/common';
import { InjectThrottlerStorage, normalizeIp, ThrottlerStorage } from '@nestjs/throttler';
import { createHash } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MailKind } from './mail.enums';

/** Per address and purpose: one a minute, five an hour. */
const PER_ADDRESS = [
  { window: 'minute', ttlMs: 60_000, limit: 1 },
  { window: 'hour', ttlMs: 3_600_000, limit: 5 },
] as const;

/**
 * How often a link mail may be asked for, counted in the rate limiter's storage (Redis when configured, so every
 * instance counts together): per client IP (RATE_LIMIT_AUTH_PER_MINUTE) and per address and purpose. A refused
 * request is not an error: the caller answers as if it had sent.
 */
@Injectable()
export class MailSendLimits {
  constructor(
    @InjectThrottlerStorage() private readonly storage: ThrottlerStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async allow(ip: string | undefined, address: string, kind: MailKind): Promise<boolean> {
    if (!this.config.rateLimit.enabled) return true;
    const client = normalizeIp(ip ?? '') || 'unknown';
    const perIp = await this.storage.increment(
      `mail:ip:${client}:minute`,
      60_000,
      this.config.rateLimit.authPerMinute,
      0,
      'mail',
    );
    if (perIp.isBlocked) return false;
    // The address is hashed: the limiter's storage holds no mail addresses.
    const who = createHash('sha256').update(address.toLowerCase()).digest('hex').slice(0, 32);
    for (const w of PER_ADDRESS) {
      const r = await this.storage.increment(`mail:to:${who}:${kind}:${w.window}`, w.ttlMs, w.limit, 0, 'mail');
      if (r.isBlocked) return false;
    }
    return true;
  }
}
