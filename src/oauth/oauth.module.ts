import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { StreamTokensModule } from '../stream-tokens/stream-tokens.module';
import { ApiKeyDirectory } from './api-key-directory';
import { OAuthController } from './oauth.controller';
import { TokenIntrospectionService } from './token-introspection.service';

/** Discovery, introspection (RFC 7662) and revocation (RFC 7009). */
@Module({
  imports: [SessionsModule, SigningKeysModule, StreamTokensModule],
  controllers: [OAuthController],
  providers: [TokenIntrospectionService, ApiKeyDirectory],
})
export class OAuthModule {}
