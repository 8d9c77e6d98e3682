import type { LoginResponse, Problem, Tokens, UserOut } from './types';

/**
 * API client and the admin's session.
 *
 * Tokens live only in this module's memory: never in a URL, localStorage, sessionStorage or a cookie.
 * A reload therefore asks the admin to sign in again: the price of never leaving a 30-day refresh token
 * in storage, where an injected script, a browser extension or the next user of a shared machine finds it.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly problem?: Problem,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

/** The credentials were right but the account is not an admin. */
export class NotAdminError extends Error {
  constructor() {
    super('This account does not have admin access. Sign in with an admin account.');
    this.name = 'NotAdminError';
  }
}

interface Session {
  user: UserOut;
  accessToken: string;
  refreshToken: string;
  /** Epoch ms at which the access token expires. */
  expiresAt: number;
}

export interface AuthSnapshot {
  user: UserOut | null;
  /** Why the admin is looking at the sign-in page (expired session, signed out …). */
  notice: string | null;
}

export const SESSION_ENDED = 'Your session has ended (it expired or was revoked). Please sign in again.';

let session: Session | null = null;
let notice: string | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let refreshing: Promise<boolean> | null = null;
const listeners = new Set<() => void>();

let snapshot: AuthSnapshot = { user: null, notice: null };

function emit(): void {
  snapshot = { user: session?.user ?? null, notice };
  listeners.forEach((l) => l());
}

export function subscribeAuth(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function authSnapshot(): AuthSnapshot {
  return snapshot;
}

export function clearNotice(): void {
  if (notice !== null) {
    notice = null;
    emit();
  }
}

/** Refresh well before expiry: at 80 % of the lifetime, and at least a minute early when it is long. */
export function refreshDelayMs(expiresInSeconds: number): number {
  const s = Math.max(1, expiresInSeconds);
  return Math.max(1000, Math.min(s - 60, s * 0.8) * 1000);
}

function setTokens(user: UserOut, tokens: Tokens): void {
  const expiresIn = Number(tokens.expires_in) > 0 ? Number(tokens.expires_in) : 1800;
  session = {
    user,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    expiresAt: Date.now() + expiresIn * 1000,
  };
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refreshOrExpire(), refreshDelayMs(expiresIn));
}

function endSession(message: string | null): void {
  clearTimeout(refreshTimer);
  refreshTimer = undefined;
  session = null;
  notice = message;
  emit();
}

async function refreshOrExpire(): Promise<void> {
  if (!session) return;
  if (!(await refresh())) endSession(SESSION_ENDED);
}

// Timers are throttled in background tabs; catch up when the admin comes back.
if (typeof document !== 'undefined') {
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && session && Date.now() > session.expiresAt - 60_000)
      void refreshOrExpire();
  });
}

function query(params?: Record<string, string | number | boolean | null | undefined>): string {
  if (!params) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

async function send(method: string, url: string, body: unknown, token: string | undefined): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  try {
    return await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'The server could not be reached. Check your connection and try again.');
  }
}

async function read<T>(res: Response): Promise<T> {
  const text = res.status === 204 ? '' : await res.text();
  let data: unknown;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = undefined;
    }
  }
  if (!res.ok) {
    const problem = data && typeof data === 'object' ? (data as Problem) : undefined;
    const detail =
      typeof problem?.detail === 'string' && problem.detail.trim() !== ''
        ? problem.detail
        : `${res.status} ${res.statusText || 'Request failed'}`;
    throw new ApiError(res.status, detail, problem);
  }
  return data as T;
}

/** Accepts both `{tokens: {...}}` (login) and top-level token fields. */
function tokensOf(data: unknown): Tokens | null {
  const d = data as { tokens?: Tokens } & Partial<Tokens>;
  const t = (d?.tokens ?? d) as Partial<Tokens>;
  if (typeof t?.access_token !== 'string' || typeof t?.refresh_token !== 'string') return null;
  return {
    access_token: t.access_token,
    refresh_token: t.refresh_token,
    token_type: t.token_type ?? 'bearer',
    expires_in: Number(t.expires_in),
  };
}

/** The password was right and the account has a second factor: the sign-in step to complete. */
export class SecondFactorRequired extends Error {
  constructor(readonly step: SecondFactorStep) {
    super('A second factor is required');
    this.name = 'SecondFactorRequired';
  }
}

export interface SecondFactorStep {
  mfa_token: string;
  methods: string[];
  expires_in: number;
}

/** POST to a public sign-in route (no token); problems become ApiError. */
export async function publicPost<T>(url: string, body: unknown): Promise<T> {
  return read<T>(await send('POST', url, body, undefined));
}

/** The password step of a sign-in from `device`: the login body, or SecondFactorRequired. */
export async function passwordSignIn(username: string, password: string, device: string): Promise<LoginResponse> {
  const data = await publicPost<LoginResponse | ({ mfa_required: true } & SecondFactorStep)>('/auth/login', {
    username,
    password,
    device_name: device,
  });
  if ('mfa_required' in data && data.mfa_required) throw new SecondFactorRequired(data);
  return data as LoginResponse;
}

/**
 * Signs in with a password; the dashboard requires the admin role, the account page (`requireAdmin: false`) any
 * user. Throws SecondFactorRequired when the account asks for its second factor.
 */
export async function signIn(
  username: string,
  password: string,
  opts: { requireAdmin?: boolean; deviceName?: string } = {},
): Promise<UserOut> {
  const { requireAdmin = true, deviceName = 'Admin dashboard' } = opts;
  const data = await passwordSignIn(username, password, deviceName);
  return requireAdmin ? finishAdminSignIn(data) : adoptSession(data);
}

/** A completed sign-in of any role (the account page: password, second factor or passkey) becomes the session. */
export function adoptSession(data: LoginResponse): UserOut {
  const tokens = tokensOf(data);
  if (!tokens || !data?.user) throw new ApiError(200, 'The server answered the sign-in with an unexpected response.');
  notice = null;
  setTokens(data.user, tokens);
  emit();
  return data.user;
}

/** The admin dashboard's session from a completed sign-in (password, or after the second factor). */
export async function finishAdminSignIn(data: LoginResponse): Promise<UserOut> {
  const tokens = tokensOf(data);
  if (!tokens || !data?.user) throw new ApiError(200, 'The server answered the sign-in with an unexpected response.');
  if (data.user.role !== 'admin') {
    // Do not leave a session behind for an account that cannot use this page.
    await send('POST', '/auth/logout', {}, tokens.access_token).catch(() => undefined);
    throw new NotAdminError();
  }
  notice = null;
  setTokens(data.user, tokens);
  emit();
  return data.user;
}

/** Rotates the tokens; single-flight, since presenting a superseded refresh token revokes the session. */
export function refresh(): Promise<boolean> {
  if (refreshing) return refreshing;
  const current = session;
  if (!current) return Promise.resolve(false);
  refreshing = (async () => {
    try {
      const res = await send('POST', '/auth/refresh', { refresh_token: current.refreshToken }, undefined);
      if (!res.ok) return false;
      const tokens = tokensOf(await res.json().catch(() => null));
      if (!tokens || session !== current) return false;
      setTokens(current.user, tokens); // rotation: the new refresh token replaces the old one
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

export async function signOut(): Promise<void> {
  const current = session;
  endSession('You have signed out.');
  if (current) await send('POST', '/auth/logout', {}, current.accessToken).catch(() => undefined);
}

type Query = Record<string, string | number | boolean | null | undefined>;

/** Calls the API with the admin's access token; a 401 gets one refresh, then ends the session. */
export async function api<T>(method: string, path: string, opts: { body?: unknown; query?: Query } = {}): Promise<T> {
  const url = path + query(opts.query);
  const current = session;
  if (!current) throw new ApiError(401, SESSION_ENDED);
  let res = await send(method, url, opts.body, current.accessToken);
  if (res.status === 401) {
    // Authentication is checked before anything else, so repeating the request is safe.
    if (await refresh()) res = await send(method, url, opts.body, session!.accessToken);
    if (res.status === 401) {
      if (session) endSession(SESSION_ENDED);
      throw new ApiError(401, SESSION_ENDED);
    }
  }
  return read<T>(res);
}

/** The user of this session (after profile edits of oneself). */
export function updateSessionUser(user: UserOut): void {
  if (session && session.user.id === user.id) {
    session = { ...session, user };
    emit();
  }
}
