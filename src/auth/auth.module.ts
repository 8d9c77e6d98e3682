import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import type { Algorithm } from 'jsonwebtoken';
import { createSecretKey } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { PersonalKeysModule } from '../personal-keys/personal-keys.module';
import { SessionsModule } from '../sessions/sessions.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { PrincipalCache } from './credential/principal-cache';
import { UsageBuffer } from './credential/usage-buffer';
import { AuthenticationGuard } from './guards/authentication.guard';
import { RequestGuard } from './guards/request.guard';
import { RolesGuard } from './guards/roles.guard';
import { ProfileService } from './profile.service';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { AppPassport } from './strategies/app-passport';
import { JwtStrategy } from './strategies/jwt.strategy';
import { LocalStrategy } from './strategies/local.strategy';
import { JWT_KEY, TokenService } from './token.service';
import { UnknownNameLockout } from './unknown-name-lockout';
import { UserPresenter } from './user-presenter';

@Module({
  imports: [
    UsersModule,
    SessionsModule,
    SigningKeysModule,
    PersonalKeysModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        // HS* only: asymmetric tokens are signed and verified by SigningKeyService (jsonwebtoken has no EdDSA).
        signOptions: { algorithm: config.jwt.algorithm as Algorithm },
        verifyOptions: { algorithms: [config.jwt.algorithm as Algorithm] },
      }),
    }),
  ],
  controllers: [AuthController],
  providers: [
    // A KeyObject, not a string: jsonwebtoken then skips its createPublicKey attempt on every verify.
    {
      provide: JWT_KEY,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => createSecretKey(Buffer.from(config.jwt.secret, 'utf8')),
    },
    AuthService,
    UnknownNameLockout,
    ProfileService,
    PrincipalCache,
    UsageBuffer,
    UserPresenter,
    TokenService,
    JwtStrategy,
    ApiKeyStrategy,
    LocalStrategy,
    AppPassport,
    AuthenticationGuard,
    RolesGuard,
    // The only global guard: authentication → key grant and scope → roles → rate limit (RateLimitModule's guard).
    RequestGuard,
    { provide: APP_GUARD, useExisting: RequestGuard },
  ],
  // The strategies, the JWT key and JwtModule: the gate (src/gate) verifies credentials from forwarded headers.
  exports: [
    AuthService,
    TokenService,
    PrincipalCache,
    UsageBuffer,
    UserPresenter,
    UsersModule,
    SessionsModule,
    JwtStrategy,
    ApiKeyStrategy,
    JWT_KEY,
    JwtModule,
  ],
})
export class AuthModule {}
