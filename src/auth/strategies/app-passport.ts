import { Injectable } from '@nestjs/common';
import { Authenticator } from 'passport';
import { ApiKeyStrategy } from './api-key.strategy';
import { JwtStrategy } from './jwt.strategy';
import { LocalStrategy } from './local.strategy';

/** What passport's callback reports: an error, or the verified user (false when refused). */
export interface PassportOutcome {
  err: unknown;
  user: unknown;
}

/**
 * This application's own passport, holding its strategies. @nestjs/passport registers strategies in passport's
 * process-wide instance, so with two applications in one process (the multi-instance tests) every request would
 * be verified by the strategies of the last one created, against its database and keys.
 */
@Injectable()
export class AppPassport {
  private readonly passport = new Authenticator();

  constructor(jwt: JwtStrategy, apiKey: ApiKeyStrategy, local: LocalStrategy) {
    this.passport.use('jwt', jwt);
    this.passport.use('api-key', apiKey);
    this.passport.use('local', local);
  }

  /** Runs the strategies in order (the first that succeeds wins); never a session. */
  authenticate(strategies: string | string[], req: object, res: object): Promise<PassportOutcome> {
    return new Promise((resolve, reject) => {
      const middleware = this.passport.authenticate(strategies, { session: false }, (err: unknown, user: unknown) =>
        resolve({ err, user }),
      ) as (req: object, res: object, next: (err?: unknown) => void) => void;
      middleware(req, res, (err?: unknown) => (err ? reject(err) : resolve({ err: undefined, user: false })));
    });
  }
}
