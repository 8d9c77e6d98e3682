import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { NO_GLOBAL_PASSPORT } from './no-global-passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { requestMeta } from '../../common/decorators';
import { User } from '../../users/entities/user.entity';
import { AuthService } from '../auth.service';

/** `POST /auth/login`: username-or-email + password, JSON or form body, stateless. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'username', passwordField: 'password', passReqToCallback: true, session: false });
  }

  validate(req: FastifyRequest, username: string, password: string): Promise<User> {
    return this.auth.verifyPassword(username, password, requestMeta(req), 'password');
  }

  /** Not passport's process-wide instance: see AppPassport. */
  getPassportInstance() {
    return NO_GLOBAL_PASSPORT as never;
  }
}
