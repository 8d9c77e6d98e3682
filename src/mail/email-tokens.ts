import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Outcome, Unit } from '../database/atomic-writes';
import { EmailTokenPurpose } from './mail.enums';

type Prepared = [sql: string, params: unknown[]];

export const TOKEN_TTL_MS: Record<EmailTokenPurpose, number> = {
  [EmailTokenPurpose.VerifyEmail]: 24 * 3600_000,
  [EmailTokenPurpose.PasswordReset]: 3600_000,
};

/** The only form of a token that is stored. */
export const hashEmailToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

/**
 * A new link token (32 random bytes) for the account and address; the account's unused tokens of the same purpose
 * die with it. Returns the token, which only the mail carries.
 */
export function* issueEmailToken(
  unit: Unit,
  input: { userId: string; purpose: EmailTokenPurpose; email: string; now: Date },
): Generator<Prepared, string, Outcome> {
  const token = randomBytes(32).toString('base64url');
  yield* unit.write({
    sql: 'DELETE FROM email_tokens WHERE user_id = :userId AND purpose = :purpose AND used_at IS NULL',
    params: input,
  });
  yield* unit.write({
    sql:
      'INSERT INTO email_tokens (id, user_id, purpose, token_hash, email, expires_at, created_at) ' +
      'VALUES (:id, :userId, :purpose, :hash, :email, :expiresAt, :now)',
    params: {
      ...input,
      id: randomUUID(),
      hash: hashEmailToken(token),
      expiresAt: new Date(input.now.getTime() + TOKEN_TTL_MS[input.purpose]),
    },
  });
  return token;
}

/** Spends a token in one conditional UPDATE: the account and address it was for, or null (unknown, used, expired). */
export function* spendEmailToken(
  unit: Unit,
  input: { token: string; purpose: EmailTokenPurpose; now: Date },
): Generator<Prepared, { userId: string; email: string } | null, Outcome> {
  const rows = yield* unit.read<{ user_id: string; email: string }>({
    sql:
      'UPDATE email_tokens SET used_at = :now WHERE token_hash = :hash AND purpose = :purpose ' +
      'AND used_at IS NULL AND expires_at > :now RETURNING user_id, email',
    params: { hash: hashEmailToken(input.token), purpose: input.purpose, now: input.now },
  });
  return rows.length ? { userId: rows[0].user_id, email: rows[0].email } : null;
}

/** The account and address of a token that could be spent now, without spending it. */
export function* findEmailToken(
  unit: Unit,
  input: { token: string; purpose: EmailTokenPurpose; now: Date },
): Generator<Prepared, { userId: string; email: string } | null, Outcome> {
  const rows = yield* unit.read<{ user_id: string; email: string }>({
    sql:
      'SELECT user_id, email FROM email_tokens WHERE token_hash = :hash AND purpose = :purpose ' +
      'AND used_at IS NULL AND expires_at > :now',
    params: { hash: hashEmailToken(input.token), purpose: input.purpose, now: input.now },
  });
  return rows.length ? { userId: rows[0].user_id, email: rows[0].email } : null;
}

/** Kills every unused token of the account (its address changed: links sent to the old one must not work). */
export function* revokeEmailTokens(unit: Unit, userId: string): Generator<Prepared, number, Outcome> {
  return yield* unit.write({
    sql: 'DELETE FROM email_tokens WHERE user_id = :userId AND used_at IS NULL',
    params: { userId },
  });
}
