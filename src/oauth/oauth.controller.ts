import { Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiAuth } from '../common/api-auth.decorator';
import { Public, RequestMeta } from '../common/decorators';
import { RequestMetadata } from '../common/principal';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { ValidatedBody } from '../common/validation';
import { AuthRateLimit } from '../rate-limit/rate-limit.decorators';
import { RequireScope, SCOPES } from '../common/scopes';
import { IntrospectionGuard } from './introspection.guard';
import { TokenReferenceDto } from './dto/token-reference.dto';
import { IntrospectionResponseDto, OpenIdConfigurationDto, RevocationResponseDto } from './dto/oauth-response.dto';
import { TokenIntrospectionService } from './token-introspection.service';

const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

@ApiTags('oauth')
@Controller()
export class OAuthController {
  constructor(
    private readonly tokens: TokenIntrospectionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('.well-known/openid-configuration')
  @Public()
  @ApiOperation({ summary: 'OAuth 2.0 / OpenID Connect discovery: issuer, JWKS and the token endpoints' })
  @ApiOkResponse({ type: OpenIdConfigurationDto })
  discovery(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): OpenIdConfigurationDto {
    const issuer = this.config.jwt.issuer;
    // An issuer that is a URL is the base of every endpoint; otherwise the address the client used.
    const base = (/^https?:\/\//.test(issuer) ? issuer : `${req.protocol}://${req.host}`).replace(/\/+$/, '');
    reply.header('cache-control', 'public, max-age=300');
    return {
      issuer,
      jwks_uri: `${base}/.well-known/jwks.json`,
      token_endpoint: `${base}/auth/token`,
      introspection_endpoint: `${base}/oauth/introspect`,
      revocation_endpoint: `${base}/oauth/revoke`,
      grant_types_supported: ['password', 'refresh_token'],
      scopes_supported: [...SCOPES],
      id_token_signing_alg_values_supported: [this.config.jwt.algorithm],
      token_endpoint_auth_methods_supported: ['none'],
      revocation_endpoint_auth_methods_supported: ['none'],
    };
  }

  @Post('oauth/introspect')
  // A key needs `introspect` (only administrators' keys can hold it); IntrospectionGuard refuses non-admin JWTs.
  @RequireScope('introspect')
  @ApiAuth()
  @UseGuards(IntrospectionGuard)
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOperation({ summary: 'Token introspection (RFC 7662), for admins and keys holding the introspect scope' })
  @ApiOkResponse({ type: IntrospectionResponseDto })
  async introspect(
    @ValidatedBody() dto: TokenReferenceDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<IntrospectionResponseDto> {
    noStore(reply);
    return this.tokens.introspect(dto.token);
  }

  @Post('oauth/revoke')
  @Public()
  @AuthRateLimit()
  @HttpCode(200)
  @ApiConsumes('application/x-www-form-urlencoded', 'application/json')
  @ApiOperation({
    summary: 'Token revocation (RFC 7009): ends a token’s session or deletes an API key; 200 {} whatever the token',
  })
  @ApiOkResponse({ type: RevocationResponseDto, description: 'An empty object, whatever the token' })
  async revoke(
    @ValidatedBody() dto: TokenReferenceDto,
    @RequestMeta() meta: RequestMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RevocationResponseDto> {
    noStore(reply);
    await this.tokens.revoke(dto.token, meta);
    return {}; // RFC 7009: clients ignore the body; an empty object keeps every 2xx of the API JSON
  }
}
