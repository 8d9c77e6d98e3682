import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Largest per-user limit an admin can set (fits a 32-bit integer column). */
export const MAX_RATE_LIMIT = 1_000_000_000;

/** Per-user overrides: a positive integer, or null for the role default; absent fields stay as they are. */
export class RateLimitsDto {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_LIMIT)
  per_minute?: number | null;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_LIMIT)
  per_hour?: number | null;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_RATE_LIMIT)
  per_day?: number | null;
}
