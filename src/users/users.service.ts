import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { randomUUID } from 'node:crypto';
import { SECURITY_EVENT, SecurityEventInput, SecurityEventType } from '../audit/audit.events';
import { Clock } from '../common/clock';
import { AppError, ErrorCode, FieldError } from '../common/errors';
import { RequestMetadata } from '../common/principal';
import { uniqueViolation } from '../database/db-errors';
import { User } from './entities/user.entity';
import { PasswordHasher } from './password/password-hasher.service';
import { checkPassword } from './password/password-policy';
import { DefaultKeyIssuer } from './default-key-issuer';
import { UsersRepository } from './users.repository';
import { Role } from './users.enums';

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/;
// Pragmatic RFC 5321/5322 subset: one @, a dotted domain, no spaces or control characters.
export const EMAIL_PATTERN =
  // eslint-disable-next-line no-control-regex -- control characters are what the class excludes
  /^[^\s@"<>()[\]\\,;:\x00-\x1f]{1,64}@(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export interface NewUser {
  email: string;
  username: string;
  password: string;
  fullName?: string | null;
  role?: Role;
  isVerified?: boolean;
  /** Skip the common-password policy (only for accounts imported or created by an operator on purpose). */
  skipPolicy?: boolean;
  /** Self-service registration (`user.created` says so: a verification mail goes out). */
  registration?: boolean;
}

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly events: EventEmitter2,
    private readonly clock: Clock,
  ) {}

  private keyIssuer?: DefaultKeyIssuer;

  /** The personal-keys module makes each new user's `default` key (it depends on users, not the other way round). */
  useDefaultKeyIssuer(issuer: DefaultKeyIssuer): void {
    this.keyIssuer = issuer;
  }

  static normalizeEmail(email: string): string {
    return email.trim().toLowerCase();
  }

  validateIdentity(input: { email?: unknown; username?: unknown }): FieldError[] {
    const errors: FieldError[] = [];
    if (input.email !== undefined && (typeof input.email !== 'string' || !EMAIL_PATTERN.test(input.email.trim())))
      errors.push({ field: 'email', message: 'must be a valid email address' });
    if (input.username !== undefined && (typeof input.username !== 'string' || !USERNAME_PATTERN.test(input.username)))
      errors.push({ field: 'username', message: 'must be 3–32 characters of letters, digits, "_", "." or "-"' });
    return errors;
  }

  /** Creates a user and its `default` API key as one unit; returns the key once. Duplicates → 409, even in a race. */
  async create(
    input: NewUser,
    meta?: Partial<RequestMetadata>,
    actorId?: string,
  ): Promise<{ user: User; apiKey: string }> {
    const email = UsersService.normalizeEmail(input.email);
    const errors = this.validateIdentity({ email, username: input.username });
    if (!input.skipPolicy) errors.push(...checkPassword(input.password, { username: input.username, email }));
    if (errors.length) throw AppError.validation(errors);
    await this.assertAvailable(email, input.username);

    const now = this.clock.date();
    const user = Object.assign(new User(), {
      id: randomUUID(),
      email,
      username: input.username,
      usernameCanonical: input.username.toLowerCase(),
      hashedPassword: await this.hasher.hash(input.password),
      fullName: input.fullName?.trim() || null,
      role: input.role ?? Role.User,
      isVerified: input.isVerified ?? false,
      passwordChangedAt: now,
      settings: {},
      createdAt: now,
      updatedAt: now,
    });
    const registration = input.registration === true;
    const issuer = this.keyIssuer;
    if (!issuer) throw new Error('No default API key issuer: PersonalKeysModule is not loaded');
    let apiKey: string;
    try {
      apiKey = (await this.users.insert(user, { registration }, (unit) => issuer.issue(unit, user.id, now))).key;
    } catch (err) {
      throw this.duplicateError(err) ?? err;
    }
    const saved = await this.getById(user.id);
    this.emit({
      type: SecurityEventType.UserRegistered,
      userId: saved.id,
      actorId: actorId ?? saved.id,
      meta,
      details: { username: saved.username, role: saved.role },
    });
    return { user: saved, apiKey };
  }

  async assertAvailable(email: string | null, username: string | null, exceptId?: string): Promise<void> {
    if (username) {
      const id = await this.users.idOfCanonicalUsername(username.toLowerCase());
      if (id && id !== exceptId) throw new AppError(ErrorCode.UsernameTaken, 'Username already registered');
    }
    if (email) {
      const id = await this.users.idOfEmail(UsersService.normalizeEmail(email));
      if (id && id !== exceptId) throw new AppError(ErrorCode.EmailTaken, 'Email already registered');
    }
  }

  /** Maps a unique-index violation to the contract's 409s (the race the pre-check cannot close). */
  duplicateError(err: unknown): AppError | null {
    const v = uniqueViolation(err);
    if (!v) return null;
    if (/username/.test(v.hint)) return new AppError(ErrorCode.UsernameTaken, 'Username already registered');
    if (/email/.test(v.hint)) return new AppError(ErrorCode.EmailTaken, 'Email already registered');
    return new AppError(ErrorCode.Conflict, 'Conflicts with an existing record');
  }

  findById(id: string): Promise<User | null> {
    return this.users.findById(id);
  }

  async getById(id: string): Promise<User> {
    const user = await this.findById(id);
    if (!user) throw AppError.notFound('User');
    return user;
  }

  adminExists(): Promise<boolean> {
    return this.users.anyAdmin();
  }

  /** Login accepts username or email, case-insensitively. */
  findByLogin(login: string): Promise<User | null> {
    const v = login.trim().toLowerCase();
    if (!v || v.length > 254) return Promise.resolve(null);
    return v.includes('@') ? this.users.findByEmail(v) : this.users.findByCanonicalUsername(v);
  }

  emit(event: SecurityEventInput): void {
    this.events.emit(SECURITY_EVENT, event);
  }
}
