import { ApiProperty } from '@nestjs/swagger';

export class StreamTokenResponseDto {
  @ApiProperty({ description: 'A single-use token for one speech stream, accepted only by the gate' })
  token: string;

  @ApiProperty({ type: 'integer', example: 60, description: 'Seconds until it expires' })
  expires_in: number;
}
