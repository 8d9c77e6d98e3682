import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

/** RFC 7662 introspection and RFC 7009 revocation parameters (form-encoded or JSON): the token they are about. */
export class TokenReferenceDto {
  /** The token or API key. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(8192)
  token: string;

  /** access_token, refresh_token, api_key or stream_token; a hint only (every kind is recognised without it). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  token_type_hint?: string;

  /** Sent by OAuth clients that authenticate with `none`; accepted and ignored. */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  client_id?: string;
}
