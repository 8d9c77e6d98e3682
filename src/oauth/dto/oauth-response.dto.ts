import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { SCOPES } from '../../common/scopes';

/** OAuth 2.0 Authorization Server Metadata (RFC 8414) / OpenID Connect discovery. */
export class OpenIdConfigurationDto {
  @ApiProperty({ example: 'https://voicegate.example.com' })
  issuer: string;

  @ApiProperty({ example: 'https://voicegate.example.com/.well-known/jwks.json' })
  jwks_uri: string;

  @ApiProperty({ example: 'https://voicegate.example.com/auth/token' })
  token_endpoint: string;

  @ApiProperty({ example: 'https://voicegate.example.com/oauth/introspect' })
  introspection_endpoint: string;

  @ApiProperty({ example: 'https://voicegate.example.com/oauth/revoke' })
  revocation_endpoint: string;

  @ApiProperty({ type: String, isArray: true, example: ['password', 'refresh_token'] })
  grant_types_supported: string[];

  @ApiProperty({ enum: SCOPES, isArray: true })
  scopes_supported: string[];

  @ApiProperty({ type: String, isArray: true, example: ['EdDSA'] })
  id_token_signing_alg_values_supported: string[];

  @ApiProperty({ type: String, isArray: true, example: ['none'] })
  token_endpoint_auth_methods_supported: string[];

  @ApiProperty({ type: String, isArray: true, example: ['none'] })
  revocation_endpoint_auth_methods_supported: string[];
}

export const INTROSPECTED_TYPES = ['access_token', 'refresh_token', 'stream_token', 'api_key'] as const;
export type IntrospectedType = (typeof INTROSPECTED_TYPES)[number];

/**
 * An introspection answer (RFC 7662): `{active: false}` and nothing else for a token that is not live; for a live one
 * `sub`, `username`, `scope` and `token_type`, and the other fields where they apply.
 */
export class IntrospectionResponseDto {
  @ApiProperty({ description: 'The token is live; when false, no other field is present' })
  active: boolean;

  @ApiPropertyOptional({ format: 'uuid', description: "The owner's user id" })
  sub?: string;

  @ApiPropertyOptional()
  username?: string;

  @ApiPropertyOptional({ example: 'transcribe translate', description: 'The scopes in force, space-separated' })
  scope?: string;

  @ApiPropertyOptional({ enum: INTROSPECTED_TYPES })
  token_type?: IntrospectedType;

  @ApiPropertyOptional({
    type: 'integer',
    description: 'Expiry, seconds since the epoch (absent for a key without one)',
  })
  exp?: number;

  @ApiPropertyOptional({ type: 'integer', description: 'Issued (or key created), seconds since the epoch' })
  iat?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'The session the token belongs to' })
  sid?: string;

  @ApiPropertyOptional({ description: 'The API key (its id) the token was issued through, or the key itself' })
  client_id?: string;

  @ApiPropertyOptional()
  iss?: string;

  @ApiPropertyOptional({
    type: [String],
    description:
      'How the session was signed in (RFC 8176: pwd, otp, hwk, …), when a second factor or a passkey was used',
  })
  amr?: string[];
}

/** RFC 7009: the body of a revocation answer is empty; `{}` keeps every 2xx of the API JSON. */
export class RevocationResponseDto {}
