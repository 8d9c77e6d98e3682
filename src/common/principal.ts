import { Role } from './role';

/** What the auth guard knows about the caller; cached, so it holds no entity and no secret. */
export interface UserSnapshot {
  id: string;
  email: string;
  username: string;
  role: Role;
  isActive: boolean;
  isSuspended: boolean;
  /** Per-user overrides (null fields fall back to the role default). */
  rateLimits: { perMinute: number | null; perHour: number | null; perDay: number | null };
}

export interface Principal {
  user: UserSnapshot;
  /** Session id (`sid`) when authenticated with a JWT. */
  sessionId?: string;
  /** jti of the access token when authenticated with a JWT. */
  tokenId?: string;
  via: 'jwt' | 'api_key';
}

export interface RequestMetadata {
  ip: string;
  userAgent: string | null;
  requestId: string;
}
