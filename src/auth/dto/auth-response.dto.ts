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

/** POST /auth/refresh: the new pair, nested in `tokens` and also at the top level (as /auth/token answers). */
export class RefreshResponseDto extends TokenResponseDto {
  @ApiProperty({ description: 'Always true' })
  success: boolean;

  @ApiProperty({ type: TokenResponseDto })
  tokens: TokenResponseDto;

  @ApiProperty({ format: 'uuid' })
  session_id: string;
}
