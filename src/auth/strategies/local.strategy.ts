import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { requestMeta } from '../../common/decorators';
import { User } from '../../users/entities/user.entity';
import { AuthService } from '../auth.service';
import { OwnPassportStrategy } from './own-passport-strategy';

/** `POST /auth/login`: username-or-email + password, JSON or form body, stateless. */
@Injectable()
export class LocalStrategy extends OwnPassportStrategy(Strategy, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'username', passwordField: 'password', passReqToCallback: true, session: false });
  }

  validate(req: FastifyRequest, username: string, password: string): Promise<User> {
    return this.auth.verifyPassword(username, password, requestMeta(req), 'password');
  }
}
