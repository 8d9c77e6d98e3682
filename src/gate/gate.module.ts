import { Global, Module } from '@nestjs/common';
import { PersonalKeysModule } from '../personal-keys/personal-keys.module';
import { AuthModule } from '../auth/auth.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { StreamTokensModule } from '../stream-tokens/stream-tokens.module';
import { GateRateLimiter } from './gate-rate-limiter';
import { GateService } from './gate.service';
import { GateVerifier } from './gate-verifier';
import { QuotaService } from './quota.service';

/**
 * Forward auth for the speech apps, usage counting and monthly quotas. Global: jobs and admin use QuotaService. Its
 * route is served by Fastify directly (`registerGateRoute`).
 */
@Global()
@Module({
  imports: [AuthModule, PersonalKeysModule, SigningKeysModule, StreamTokensModule],
  providers: [GateService, GateVerifier, GateRateLimiter, QuotaService],
  exports: [QuotaService, GateService],
})
export class GateModule {}
