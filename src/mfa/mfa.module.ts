import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { MultiFernet } from '../service-keys/fernet';
import { MfaAdminController } from './mfa-admin.controller';
import { MfaSignInService } from './mfa-sign-in.service';
import { MfaController } from './mfa.controller';
import { MfaService } from './mfa.service';
import { PasskeysController } from './passkeys.controller';
import { PasskeysService } from './passkeys.service';
import { TotpService } from './totp.service';

/** Second factors: TOTP with recovery codes, passkeys, and the sign-in step both login routes answer with. */
@Module({
  imports: [AuthModule],
  controllers: [MfaController, PasskeysController, MfaAdminController],
  providers: [
    TotpService,
    PasskeysService,
    MfaSignInService,
    MfaService,
    // TOTP secrets at rest: ENCRYPTION_KEY's first key encrypts, all decrypt.
    {
      provide: MultiFernet,
      useFactory: (config: AppConfig, clock: Clock) => MultiFernet.fromKeys(config.encryptionKeys, clock),
      inject: [APP_CONFIG, Clock],
    },
  ],
  exports: [MfaService],
})
export class MfaModule {}
