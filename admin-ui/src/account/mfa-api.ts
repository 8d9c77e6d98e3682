import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { api, publicPost, type SecondFactorStep } from '../api';
import type { components } from '../api-types';
import type { LoginResponse } from '../types';

/** The second-factor routes the account page uses (/auth/mfa, /auth/passkeys); shapes from the generated API types. */

type Schemas = components['schemas'];
export type MfaStatus = Schemas['MfaStatusDto'];
export type TotpSetup = Schemas['TotpSetupDto'];
export type PasskeyOut = Schemas['PasskeyResponseDto'];
type RecoveryCodes = Schemas['RecoveryCodesDto'];

export const mfaStatus = () => api<MfaStatus>('GET', '/auth/mfa');
export const totpSetup = () => api<TotpSetup>('POST', '/auth/mfa/totp/setup');
export const totpConfirm = (code: string) => api<RecoveryCodes>('POST', '/auth/mfa/totp/confirm', { body: { code } });
export const regenerateRecoveryCodes = (code: string) =>
  api<RecoveryCodes>('POST', '/auth/mfa/recovery-codes', { body: { code } });
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
