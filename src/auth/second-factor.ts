import { RequestMetadata } from '../common/principal';
import { User } from '../users/entities/user.entity';
import type { TokenPair } from './token.service';

/** The route (or credential) a sign-in came through; `current_password` is the re-check on a signed-in request. */
export type CredentialMethod = 'password' | 'oauth2_password' | 'passkey' | 'current_password';

/** The factor that completed a sign-in (login history, security events). */
export type SecondFactorKind = 'totp' | 'recovery_code' | 'webauthn';

/** The sign-in step's answer to a correct password when the user has a second factor. */
export interface SecondFactorChallenge {
  mfa_token: string;
  methods: string[];
  expires_in: number;
}

/**
 * What the sign-in routes ask of the second-factor module (src/mfa), which registers itself with AuthService at
 * start-up: the dependency points from mfa to auth, never back.
 */
export interface SecondFactorGate {
  /** Whether the user has a confirmed factor (a correct password then does not complete the sign-in). */
  required(userId: string): Promise<boolean>;
  /** The sign-in step for a user with a factor; undefined when the user has none. */
  challenge(
    user: User,
    meta: Partial<RequestMetadata>,
    opts: { deviceName?: string | null; method: CredentialMethod; login: string },
  ): Promise<SecondFactorChallenge | undefined>;
  /** The mfa-otp grant: completes the step with a TOTP or recovery code. */
  completeWithOtp(mfaToken: string, otp: string, meta: Partial<RequestMetadata>): Promise<{ tokens: TokenPair }>;
}
