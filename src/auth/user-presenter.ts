import { Inject, Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { Clock } from '../common/clock';
import { toUserOut, UserOut, UserRow } from '../users/user.mapper';
import { UsageBuffer } from './credential/usage-buffer';

/** A user as every response shows it: the row, the effective limits, and the requests counted but not yet written. */
@Injectable()
export class UserPresenter {
  constructor(
    private readonly usage: UsageBuffer,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  user(row: UserRow): UserOut {
    return toUserOut(row, this.config, this.clock.now(), this.usage.pendingRequests(row.id));
  }
}
