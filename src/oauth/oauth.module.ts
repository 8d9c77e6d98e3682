import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { PersonalKeysModule } from '../personal-keys/personal-keys.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { StreamTokensModule } from '../stream-tokens/stream-tokens.module';
import { OAuthController } from './oauth.controller';
import { TokenIntrospectionService } from './token-introspection.service';

/** Discovery, introspection (RFC 7662) and revocation (RFC 7009). */
@Module({
  imports: [AuthModule, PersonalKeysModule, SigningKeysModule, StreamTokensModule],
  controllers: [OAuthController],
  providers: [TokenIntrospectionService],
})
export class OAuthModule {}
