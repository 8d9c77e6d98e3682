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
  /** The API key's id (personal keys). */
  keyId?: string;
  /** SHA-256 of the presented API key, as the database holds it (which of a rolled key's secrets was used). */
  keyHash?: string;
  /** What this credential may do (an API key's scopes); undefined: every scope of the user (a JWT). */
  scopes?: readonly string[];
  /** The API key's own rate limits, counted on top of the user's. */
  keyRateLimits?: Readonly<{ perMinute: number | null; perHour: number | null; perDay: number | null }>;
}

export interface RequestMetadata {
  ip: string;
  userAgent: string | null;
  requestId: string;
}
