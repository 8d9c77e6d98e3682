import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { StreamTokenLedger } from './stream-token-ledger';
import { StreamTokenService } from './stream-token.service';
import { StreamTokensController } from './stream-tokens.controller';

/** Stream tokens; the gate accepts them through StreamTokenService.consume. */
@Module({
  imports: [AuthModule, SigningKeysModule],
  controllers: [StreamTokensController],
  providers: [StreamTokenService, StreamTokenLedger],
  exports: [StreamTokenService],
})
export class StreamTokensModule {}
