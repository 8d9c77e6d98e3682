import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsEnum, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateNested } from 'class-validator';
import { Role } from '../../users/users.enums';
import { EMAIL_PATTERN, USERNAME_PATTERN } from '../../users/users.service';
import { QuotaDto } from '../../gate/dto/quota.dto';
import { RateLimitsDto } from './rate-limits.dto';
import { EMAIL_MESSAGE, IsOptionalNotNull, trim, USERNAME_MESSAGE } from './validators';

export class UpdateUserDto {
  /** Changing it marks the address unverified unless `is_verified` is given too. */
  @IsOptionalNotNull()
  @Transform(trim)
  @IsString()
  @MaxLength(254)
  @Matches(EMAIL_PATTERN, { message: EMAIL_MESSAGE })
  email?: string;

  @IsOptionalNotNull()
  @IsString()
  @Matches(USERNAME_PATTERN, { message: USERNAME_MESSAGE })
  username?: string;

  /** null or "" clears it. */
  @IsOptional()
  @IsString()
  @MaxLength(255)
  full_name?: string | null;

  /** Admins cannot change their own role, nor demote the last active admin (409). */
  @IsOptionalNotNull()
  @IsEnum(Role)
  role?: Role;

  /** false ends every session; admins cannot deactivate themselves or the last active admin (409). */
  @IsOptionalNotNull()
  @IsBoolean()
  is_active?: boolean;

  @IsOptionalNotNull()
  @IsBoolean()
  is_verified?: boolean;

  /** null resets every window to the role default. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => RateLimitsDto)
  rate_limits?: RateLimitsDto | null;

  /** Monthly quotas: a field set to null is unlimited, a field left out unchanged; null resets all to the defaults. */
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => QuotaDto)
  quota?: QuotaDto | null;
}
