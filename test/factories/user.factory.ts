import { randomBytes } from 'node:crypto';
import { AuthService } from '../../src/auth/auth.service';
import { Role } from '../../src/users/users.enums';
import { UsersService } from '../../src/users/users.service';
import { TestApp } from '../app.factory';
import { recordSecret } from '../security/secrets';

export interface TestUser {
  id: string;
  email: string;
  username: string;
  password: string;
  apiKey: string;
  accessToken: string;
  refreshToken: string;
  sessionId: string;
  /** `{ Authorization: 'Bearer <access token>' }` */
  auth: { Authorization: string };
}

export interface UserOverrides {
  username?: string;
  email?: string;
  password?: string;
  fullName?: string;
  role?: Role;
  isVerified?: boolean;
}

let seq = 0;

/** A user with a personal API key and a signed-in session (tokens), created through the real services. */
export async function createUser(t: TestApp, overrides: UserOverrides = {}): Promise<TestUser> {
  const n = `${Date.now().toString(36)}${(seq++).toString(36)}${randomBytes(2).toString('hex')}`;
  const username = overrides.username ?? `user_${n}`;
  const email = overrides.email ?? `${username.toLowerCase()}@example.com`;
  const password = overrides.password ?? `Pw-${randomBytes(9).toString('base64url')}`;
  const users = t.get(UsersService);
  const { user, apiKey } = await users.create({
    email,
    username,
    password,
    fullName: overrides.fullName ?? null,
    role: overrides.role,
    isVerified: overrides.isVerified,
  });
  const { session, tokens } = await t
    .get(AuthService)
    .startSession(user, { ip: '127.0.0.1', userAgent: 'jest' }, { method: 'password', login: username });
  // looked for in logs and databases by the hygiene test
  recordSecret(password, apiKey, tokens.access_token, tokens.refresh_token);
  return {
    id: user.id,
    email,
    username,
    password,
    apiKey,
    accessToken: tokens.access_token,
    refreshToken: tokens.refresh_token,
    sessionId: session.id,
    auth: { Authorization: `Bearer ${tokens.access_token}` },
  };
}

export const createAdmin = (t: TestApp, overrides: UserOverrides = {}) =>
  createUser(t, { ...overrides, role: Role.Admin });
