import { Transform } from 'class-transformer';
import { IsBoolean, IsEnum, IsNotEmpty, IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { Role } from '../../users/users.enums';
import { EMAIL_PATTERN, USERNAME_PATTERN } from '../../users/users.service';
import { EMAIL_MESSAGE, IsOptionalNotNull, trim, USERNAME_MESSAGE } from './validators';

export class CreateUserDto {
  /** Email address (stored lower-case). */
  @Transform(trim)
  @IsString()
  @MaxLength(254)
  @Matches(EMAIL_PATTERN, { message: EMAIL_MESSAGE })
  email: string;

  /** 3–32 of [A-Za-z0-9_.-], unique case-insensitively. */
  @IsString()
  @Matches(USERNAME_PATTERN, { message: USERNAME_MESSAGE })
  username: string;

  /** Optional: when absent a strong password is generated and returned once. Must pass the password policy. */
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  full_name?: string;

  /** Default "user". */
  @IsOptionalNotNull()
  @IsEnum(Role)
  role?: Role;

  /** Default false. */
  @IsOptionalNotNull()
  @IsBoolean()
  is_verified?: boolean;
}
