import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

export class TotpCodeDto {
  /** A 6-digit code from the authenticator app. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(16)
  code: string;
}

/** Exactly one of `code` (TOTP) and `recovery_code`. */
export class CodeOrRecoveryDto {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(16)
  code?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(64)
  recovery_code?: string;
}

/** The sign-in step: its token and exactly one of `code`, `recovery_code`, `webauthn_response`. */
export class MfaVerifyDto extends CodeOrRecoveryDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  mfa_token: string;

  /** A WebAuthn assertion in the standard JSON form (options from POST /auth/passkeys/login/options {mfa_token}). */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  webauthn_response?: Record<string, unknown>;
}

export class PasskeyRegisterDto {
  /** The registration response (`PublicKeyCredential` in WebAuthn's JSON form, e.g. from startRegistration()). */
  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  response: Record<string, unknown>;

  /** A name to tell the passkey apart ("Laptop", "YubiKey"). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name?: string;
}

export class PasskeyRenameDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name: string;
}

/** A passwordless sign-in (optionally for one user), or the passkey answer to a sign-in step (`mfa_token`). */
export class PasskeyLoginOptionsDto {
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(254)
  username?: string;

  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  mfa_token?: string;
}

export class PasskeyLoginDto {
  /** The authentication response (`PublicKeyCredential` in WebAuthn's JSON form, e.g. from startAuthentication()). */
  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsObject()
  response: Record<string, unknown>;
}
