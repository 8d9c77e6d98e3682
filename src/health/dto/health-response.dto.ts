import { ApiProperty } from '@nestjs/swagger';

export class HealthResponseDto {
  @ApiProperty({ enum: ['healthy', 'unhealthy'] })
  status: 'healthy' | 'unhealthy';

  @ApiProperty({ example: '1.0.0' })
  version: string;

  @ApiProperty({ enum: ['ok', 'unavailable'] })
  database: 'ok' | 'unavailable';

  @ApiProperty({ enum: ['ok', 'unavailable', 'disabled'], description: '`disabled` when no Redis is configured' })
  redis: 'ok' | 'unavailable' | 'disabled';

  @ApiProperty({ enum: ['postgres', 'sqlite'] })
  driver: 'postgres' | 'sqlite';
}
