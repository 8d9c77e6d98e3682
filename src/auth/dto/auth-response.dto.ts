import { ApiProperty } from '@nestjs/swagger';
import { UserResponseDto } from '../../users/dto/user-response.dto';

/** An access and refresh token pair: the OAuth2 token answer (RFC 6749 §5.1) of POST /auth/token. */
export class TokenResponseDto {
  @ApiProperty({ description: 'A JWT for the Authorization: Bearer header' })
  access_token: string;

  @ApiProperty({ enum: ['bearer'], example: 'bearer' })
  token_type: 'bearer';

  @ApiProperty({ type: 'integer', example: 900, description: 'Seconds the access token lives' })
  expires_in: number;

  @ApiProperty({ description: 'Single use: POST /auth/refresh or grant_type=refresh_token rotates it' })
  refresh_token: string;
}

/** POST /auth/register: the new user and their personal API key (shown once). */
export class RegisterResponseDto extends UserResponseDto {
  @ApiProperty({ description: 'The personal API key, shown once' })
  api_key: string;
}

/** POST /auth/login: the user, the token pair and the new session. */
export class LoginResponseDto {
  @ApiProperty({ description: 'Always true' })
  success: boolean;

  @ApiProperty({ type: UserResponseDto })
  user: UserResponseDto;

  @ApiProperty({ type: TokenResponseDto })
  tokens: TokenResponseDto;

  @ApiProperty({ format: 'uuid' })
  session_id: string;
}

/** POST /auth/login when the password was right and a second factor is due: finish with POST /auth/mfa/verify. */
export class MfaRequiredResponseDto {
  @ApiProperty({ description: 'Always false: no session yet' })
  success: boolean;

  @ApiProperty({ description: 'Always true' })
  mfa_required: boolean;

  @ApiProperty({ description: 'Opaque, single use, for POST /auth/mfa/verify' })
  mfa_token: string;

  @ApiProperty({ type: [String], example: ['totp', 'recovery_code', 'passkey'] })
  methods: string[];

  @ApiProperty({ description: 'Seconds the mfa_token stays valid' })
  expires_in: number;
}

/** POST /auth/refresh: the new pair, nested in `tokens` and also at the top level (as /auth/token answers). */
export class RefreshResponseDto extends TokenResponseDto {
  @ApiProperty({ description: 'Always true' })
  success: boolean;

  @ApiProperty({ type: TokenResponseDto })
  tokens: TokenResponseDto;

  @ApiProperty({ format: 'uuid' })
  session_id: string;
}
