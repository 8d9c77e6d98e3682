import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { api, publicPost, type SecondFactorStep } from '../api';
import type { LoginResponse } from '../types';

/** The second-factor routes the account page uses (CONTRACT: /auth/mfa, /auth/passkeys). */

export interface MfaStatus {
  totp: boolean;
  passkeys: number;
  recovery_codes_remaining: number;
}

export interface TotpSetup {
  secret: string;
  otpauth_uri: string;
  qr_svg: string;
}

export interface PasskeyOut {
  id: string;
  name: string;
  device_type: string;
  backed_up: boolean;
  transports: string[];
  created_at: string;
  last_used_at: string | null;
}

export const mfaStatus = () => api<MfaStatus>('GET', '/auth/mfa');
export const totpSetup = () => api<TotpSetup>('POST', '/auth/mfa/totp/setup');
export const totpConfirm = (code: string) =>
  api<{ recovery_codes: string[] }>('POST', '/auth/mfa/totp/confirm', { body: { code } });
export const regenerateRecoveryCodes = (code: string) =>
  api<{ recovery_codes: string[] }>('POST', '/auth/mfa/recovery-codes', { body: { code } });
export const totpDisable = (proof: { code: string } | { recovery_code: string }) =>
  api<void>('DELETE', '/auth/mfa/totp', { body: proof });

export const listPasskeys = () => api<PasskeyOut[]>('GET', '/auth/passkeys');
export const deletePasskey = (id: string) => api<void>('DELETE', `/auth/passkeys/${encodeURIComponent(id)}`);
export const renamePasskey = (id: string, name: string) =>
  api<PasskeyOut>('PATCH', `/auth/passkeys/${encodeURIComponent(id)}`, { body: { name } });

/** Creates a passkey with the browser's authenticator and registers it. */
export async function registerPasskey(name: string): Promise<PasskeyOut> {
  const optionsJSON = await api<Parameters<typeof startRegistration>[0]['optionsJSON']>(
    'POST',
    '/auth/passkeys/register/options',
  );
  const response = await startRegistration({ optionsJSON });
  return api<PasskeyOut>('POST', '/auth/passkeys/register/verify', { body: { response, name: name || undefined } });
}

type RequestOptions = Parameters<typeof startAuthentication>[0]['optionsJSON'];

/** A passwordless sign-in with a passkey: the login body. */
export async function passkeySignIn(username?: string): Promise<LoginResponse> {
  const optionsJSON = await publicPost<RequestOptions>('/auth/passkeys/login/options', username ? { username } : {});
  const response = await startAuthentication({ optionsJSON });
  return publicPost<LoginResponse>('/auth/passkeys/login/verify', { response });
}

/** Completes a sign-in step with a code, a recovery code, or the passkey. */
export async function completeStep(
  step: SecondFactorStep,
  proof: { code: string } | { recovery_code: string } | 'webauthn',
): Promise<LoginResponse> {
  if (proof !== 'webauthn')
    return publicPost<LoginResponse>('/auth/mfa/verify', { mfa_token: step.mfa_token, ...proof });
  const optionsJSON = await publicPost<RequestOptions>('/auth/passkeys/login/options', { mfa_token: step.mfa_token });
  const webauthn_response = await startAuthentication({ optionsJSON });
  return publicPost<LoginResponse>('/auth/mfa/verify', { mfa_token: step.mfa_token, webauthn_response });
}
