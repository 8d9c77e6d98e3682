import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';

/** Largest monthly quota an admin can set (the month counters are 32-bit integers). */
export const MAX_QUOTA = 1_000_000_000;

/** Monthly quota overrides: a number ≥ 0, or null for unlimited; a field left out keeps its value. */
export class QuotaDto {
  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_QUOTA)
  transcriptions?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_QUOTA)
  translations?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_QUOTA)
  tts?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 0 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(MAX_QUOTA)
  audio_seconds?: number | null;
}
