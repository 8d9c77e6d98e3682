import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** RFC 7662 / RFC 7009 request parameters (form-encoded or JSON). */
export class TokenRequestDto {
  @ApiProperty({ description: 'The token or API key' })
  token: string;

  @ApiPropertyOptional({ enum: ['access_token', 'refresh_token', 'api_key', 'stream_token'] })
  token_type_hint?: string;
}
