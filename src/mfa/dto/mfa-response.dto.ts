import { ApiProperty } from '@nestjs/swagger';

/** `GET /auth/mfa`: which factors the caller has. */
export class MfaStatusDto {
  @ApiProperty({ description: 'A confirmed authenticator app' })
  totp: boolean;

  @ApiProperty({ description: 'Registered passkeys' })
  passkeys: number;

  @ApiProperty({ description: 'Unused recovery codes' })
  recovery_codes_remaining: number;
}

/** A new TOTP secret, pending until a code from it confirms it. */
export class TotpSetupDto {
  @ApiProperty({ description: 'Base32 secret, for typing into an authenticator app', example: 'JBSWY3DPEHPK3PXP' })
  secret: string;

  @ApiProperty({ example: 'otpauth://totp/Voicegate:alice?secret=JBSWY3DPEHPK3PXP&issuer=Voicegate' })
  otpauth_uri: string;

  @ApiProperty({ description: 'The otpauth URI as a QR code (an SVG document)' })
  qr_svg: string;
}

/** Recovery codes, shown this once (stored hashed, each usable once). */
export class RecoveryCodesDto {
  @ApiProperty({ type: [String], example: ['abcd-efgh-jkmn'] })
  recovery_codes: string[];
}

export class PasskeyResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'Laptop' })
  name: string;

  @ApiProperty({ example: 'multiDevice', description: '`singleDevice` or `multiDevice` (synced)' })
  device_type: string;

  @ApiProperty()
  backed_up: boolean;

  @ApiProperty({ type: [String], example: ['internal'] })
  transports: string[];

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  created_at: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_used_at: string | null;
}

/** A user's factors as an admin sees them. */
export class AdminMfaDetailDto extends MfaStatusDto {
  @ApiProperty({ description: 'A factor is set up: a correct password no longer completes a sign-in' })
  enabled: boolean;

  @ApiProperty({ type: [String], example: ['totp', 'recovery_code', 'webauthn'] })
  methods: string[];

  @ApiProperty({ type: [PasskeyResponseDto] })
  passkey_list: PasskeyResponseDto[];
}
