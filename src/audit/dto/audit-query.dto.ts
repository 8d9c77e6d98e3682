import { ApiHideProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Max, Min } from 'class-validator';
import { SecurityEventType, Severity } from '../audit.events';
import { SEVERITIES } from '../audit.mapper';

export const MAX_PER_PAGE = 100;
export const DEFAULT_PER_PAGE = 20;

// Query strings arrive as text; digits become numbers, anything else stays text so @IsInt answers 422.
const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^-?\d{1,15}$/.test(value.trim()) ? Number(value.trim()) : value;
// `?type=` (an emptied filter box) means no filter.
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000_000)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PER_PAGE, default: DEFAULT_PER_PAGE })
  @Transform(toInt)
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_PER_PAGE)
  per_page: number = DEFAULT_PER_PAGE;

  /** `?api_key=` authenticates (when allowed); it is not a filter, but must not be refused as an unknown field. */
  @ApiHideProperty()
  @IsOptional()
  @IsString()
  api_key?: string;
}

export class SecurityEventQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SecurityEventType, description: 'Only events of this type' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsEnum(SecurityEventType, { message: 'type must be a known security event type' })
  type?: SecurityEventType;

  @ApiPropertyOptional({ enum: SEVERITIES })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsIn(SEVERITIES as Severity[], { message: `severity must be one of: ${SEVERITIES.join(', ')}` })
  severity?: Severity;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events at or after this time (ISO-8601)' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'since must be an ISO-8601 date-time' })
  since?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'Events at or before this time (ISO-8601)' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsISO8601({ strict: true }, { message: 'until must be an ISO-8601 date-time' })
  until?: string;
}

export class AdminSecurityEventQueryDto extends SecurityEventQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only events about this user' })
  @Transform(emptyToUndefined)
  @IsOptional()
  @IsUUID('all', { message: 'user_id must be a UUID' })
  user_id?: string;
}
