import { IsBoolean, IsNotEmpty, IsObject, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';
import { EMAIL_PATTERN, USERNAME_PATTERN } from '../../users/users.service';

const EMAIL_MESSAGE = 'must be a valid email address';
const USERNAME_MESSAGE = 'must be 3–32 characters of letters, digits, "_", "." or "-"';

export class RegisterDto {
  /** Email address (stored lower-case). */
  @IsString()
  @MaxLength(254)
  @Matches(EMAIL_PATTERN, { message: EMAIL_MESSAGE })
  email: string;

  /** 3–32 of [A-Za-z0-9_.-], unique case-insensitively. */
  @IsString()
  @Matches(USERNAME_PATTERN, { message: USERNAME_MESSAGE })
  username: string;

  /** 8–128 characters; not common, not the username/email. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  full_name?: string;
}

export class LoginDto {
  /** Username or email. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(254)
  username: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  password: string;

  @IsOptional()
  @IsString()
  @MaxLength(100)
  device_name?: string;
}

/** RFC 6749 token request (form-encoded or JSON); client_id/scope/client_secret are accepted and ignored. */
export class TokenRequestDto {
  /** "password" (default), "refresh_token" or "urn:voicegate:grant-type:mfa-otp". */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  grant_type?: string;

  @IsOptional()
  @IsString()
  @MaxLength(254)
  username?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  password?: string;

  @IsOptional()
  @IsString()
  @MaxLength(4096)
  refresh_token?: string;

  /** The sign-in step's token (mfa-otp grant). */
  @IsOptional()
  @IsString()
  @MaxLength(256)
  mfa_token?: string;

  /** A TOTP code or a recovery code (mfa-otp grant). */
  @IsOptional()
  @IsString()
  @MaxLength(64)
  otp?: string;

  @IsOptional()
  @IsString()
  @MaxLength(1024)
  scope?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  client_id?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  client_secret?: string;
}

export class RefreshDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(4096)
  refresh_token: string;
}

export class LogoutDto {
  /** End every session of the user, not only this one. */
  @IsOptional()
  @IsBoolean()
  all_devices?: boolean;
}

export class UpdateProfileDto {
  @IsOptional()
  @IsString()
  @MaxLength(255)
  full_name?: string | null;

  /** Optional, but null is refused (422): there is no "no username". */
  @ValidateIf((_: unknown, v: unknown) => v !== undefined)
  @IsString()
  @Matches(USERNAME_PATTERN, { message: USERNAME_MESSAGE })
  username?: string;

  @ValidateIf((_: unknown, v: unknown) => v !== undefined)
  @IsString()
  @MaxLength(254)
  @Matches(EMAIL_PATTERN, { message: EMAIL_MESSAGE })
  email?: string;

  /** Free-form client settings (JSON object, ≤ 16 KB). */
  @IsOptional()
  @IsObject()
  settings?: Record<string, unknown>;

  /** Required to change the email address. */
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  current_password?: string;
}

export class ChangePasswordDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  current_password: string;

  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  new_password: string;
}

export const MFA_OTP_GRANT = 'urn:voicegate:grant-type:mfa-otp';
export const GRANT_TYPES = ['password', 'refresh_token', MFA_OTP_GRANT] as const;
export const isGrantType = (v: string): v is (typeof GRANT_TYPES)[number] =>
  (GRANT_TYPES as readonly string[]).includes(v);
