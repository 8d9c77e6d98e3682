import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { SigningKeysModule } from '../signing-keys/signing-keys.module';
import { StreamTokensModule } from '../stream-tokens/stream-tokens.module';
import { ApiKeyDirectory } from './api-key-directory';
import { OAuthController } from './oauth.controller';
import { TokenIntrospectionService } from './token-introspection.service';

/** Discovery, introspection (RFC 7662) and revocation (RFC 7009). */
@Module({
  imports: [AuthModule, SigningKeysModule, StreamTokensModule],
  controllers: [OAuthController],
  providers: [TokenIntrospectionService, ApiKeyDirectory],
})
export class OAuthModule {}
