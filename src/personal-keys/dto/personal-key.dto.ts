import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { SCOPES } from '../../common/scopes';

const MAX_RATE_LIMIT = 1_000_000_000;
const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** A key's own limits, counted on top of its owner's: a positive integer, or null for none. */
export class KeyRateLimitsDto {
  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_LIMIT)
  per_minute?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_LIMIT)
  per_hour?: number | null;

  @ApiPropertyOptional({ type: Number, nullable: true, minimum: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_LIMIT)
  per_day?: number | null;
}

export class CreatePersonalKeyDto {
  @ApiProperty({ example: 'transcriber on build-42', maxLength: 100 })
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;

  @ApiPropertyOptional({
    enum: SCOPES,
    isArray: true,
    description: 'Absent: every scope you have. `admin` and `introspect` only for administrators.',
  })
  @ValidateIf((_o, v) => v !== undefined) // absent: every scope (create) or unchanged (update); null is refused
  @IsArray()
  @ArrayUnique()
  @IsIn(SCOPES as unknown as string[], { each: true, message: `each scope must be one of: ${SCOPES.join(', ')}` })
  scopes?: string[];

  @ApiPropertyOptional({ format: 'date-time', description: 'A future time; not together with expires_in_days.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  expires_at?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 3650 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3650)
  expires_in_days?: number;

  @ApiPropertyOptional({ type: KeyRateLimitsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => KeyRateLimitsDto)
  rate_limits?: KeyRateLimitsDto;
}

export class UpdatePersonalKeyDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @ValidateIf((_o, v) => v !== undefined) // absent: unchanged; null is refused
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;

  @ApiPropertyOptional({ enum: SCOPES, isArray: true, description: 'Only a narrowing of the current scopes.' })
  @ValidateIf((_o, v) => v !== undefined) // absent: every scope (create) or unchanged (update); null is refused
  @IsArray()
  @ArrayUnique()
  @IsIn(SCOPES as unknown as string[], { each: true, message: `each scope must be one of: ${SCOPES.join(', ')}` })
  scopes?: string[];

  @ApiPropertyOptional({ type: KeyRateLimitsDto })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => KeyRateLimitsDto)
  rate_limits?: KeyRateLimitsDto;
}

export class RollPersonalKeyDto {
  @ApiPropertyOptional({ minimum: 0, maximum: 86400, default: 0, description: 'Seconds the old secret keeps working.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(86400)
  overlap_seconds?: number;
}

export class KeyRateLimitsOutDto {
  @ApiProperty({ type: Number, nullable: true })
  per_minute: number | null;
  @ApiProperty({ type: Number, nullable: true })
  per_hour: number | null;
  @ApiProperty({ type: Number, nullable: true })
  per_day: number | null;
}

export class PersonalKeyResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;
  @ApiProperty({ example: 'default' })
  name: string;
  @ApiProperty({ example: 'tk_3xAmPlE', description: 'First characters of the key.' })
  prefix: string;
  @ApiProperty({ enum: SCOPES, isArray: true, description: 'The scopes the key holds (effective for its owner).' })
  scopes: string[];
  @ApiProperty({ description: 'The key was created without a scope list: it holds every scope its owner has.' })
  all_scopes: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  expires_at: string | null;
  @ApiProperty({ type: KeyRateLimitsOutDto })
  rate_limits: KeyRateLimitsOutDto;
  @ApiProperty({ format: 'date-time' })
  created_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_used_at: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  rolled_at: string | null;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'Until when the secret before the last roll still works.',
  })
  previous_key_expires_at: string | null;
}

export class CreatedPersonalKeyDto extends PersonalKeyResponseDto {
  @ApiProperty({ description: 'The key itself, shown only in this response.', example: 'tk_…' })
  key: string;
}

export class RegeneratedApiKeyDto {
  @ApiProperty({ description: 'The new `default` key, shown only in this response.' })
  api_key: string;
  @ApiProperty()
  api_key_prefix: string;
}
