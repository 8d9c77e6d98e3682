import { ApiProperty } from '@nestjs/swagger';

/** A session as its owner (and admins) see it: never a token or a jti. */
export class SessionResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ type: String, nullable: true })
  ip_address: string | null;

  @ApiProperty({ type: String, nullable: true })
  user_agent: string | null;

  @ApiProperty({ type: String, nullable: true })
  device_name: string | null;

  @ApiProperty({ example: 'password' })
  login_method: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  created_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_active_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expires_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  revoked_at: string | null;

  @ApiProperty({ description: 'The session of this request' })
  current: boolean;
}
