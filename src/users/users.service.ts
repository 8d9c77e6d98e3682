import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, Repository } from 'typeorm';
import { randomUUID } from 'node:crypto';
import { generateApiKey } from '../personal-keys/personal-key.util';
import { DEFAULT_KEY_NAME, PersonalKeysRepository } from '../personal-keys/personal-keys.repository';
import { EventUnit, UnitOfWork } from '../database/unit-of-work';
import { SECURITY_EVENT, SecurityEventInput, SecurityEventType } from '../audit/audit.events';
import { Clock } from '../common/clock';
import { AppError, ErrorCode, FieldError } from '../common/errors';
import { RequestMetadata } from '../common/principal';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { uniqueViolation } from '../database/db-errors';
import { User } from './entities/user.entity';
import { PasswordHasher } from './password/password-hasher.service';
import { checkPassword } from './password/password-policy';
import { toUserOut, toUserOutJson, UserOut } from './user.mapper';
import { UsageBuffer } from './usage-buffer.service';
import { Role } from './users.enums';

export const USERNAME_PATTERN = /^[A-Za-z0-9_.-]{3,32}$/;
// Pragmatic RFC 5321/5322 subset: one @, a dotted domain, no spaces or control characters.
export const EMAIL_PATTERN =
  /^[^\s@"<>()\[\]\\,;:\x00-\x1f]{1,64}@(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export interface NewUser {
  email: string;
  username: string;
  password: string;
  fullName?: string | null;
  role?: Role;
  isVerified?: boolean;
  /** Skip the common-password policy (only for accounts imported or created by an operator on purpose). */
  skipPolicy?: boolean;
}

@Injectable()
export class UsersService {
  readonly repo: Repository<User>;

  constructor(
    dataSource: DataSource,
    private readonly hasher: PasswordHasher,
    private readonly usage: UsageBuffer,
    private readonly events: EventEmitter2,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly uow: UnitOfWork,
  ) {
    this.repo = dataSource.getRepository(User);
  }

  toOut(user: Omit<User, 'hashedPassword'>): UserOut {
    return toUserOut(user, this.config, { totalRequests: this.usage.pendingRequests(user.id) });
  }

  /** {@link toOut} as JSON text (see toUserOutJson). */
  toOutJson(user: Omit<User, 'hashedPassword'>): string {
    return toUserOutJson(user, this.config, { totalRequests: this.usage.pendingRequests(user.id) });
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

    const key = generateApiKey();
    const now = this.clock.date();
    const user = this.repo.create({
      id: randomUUID(),
      email,
      username: input.username,
      usernameCanonical: input.username.toLowerCase(),
      hashedPassword: await this.hasher.hash(input.password),
      fullName: input.fullName?.trim() || null,
      role: input.role ?? Role.User,
      isVerified: input.isVerified ?? false,
      apiKeyPrefix: key.prefix,
      apiKeyCreatedAt: now,
      passwordChangedAt: now,
      settings: {},
    });
    const defaultKey = {
      userId: user.id,
      name: DEFAULT_KEY_NAME,
      keyHash: key.hash,
      prefix: key.prefix,
      scopes: null,
      expiresAt: null,
      rateLimits: { perMinute: null, perHour: null, perDay: null },
      createdAt: now,
    };
    try {
      await this.uow.run(function* (unit: EventUnit) {
        yield* unit.write(unit.em.createQueryBuilder().insert().into(User).values(user));
        const keyId = yield* PersonalKeysRepository.insert(unit, defaultKey, Number.MAX_SAFE_INTEGER);
        yield* unit.publish({ name: 'api_key.created', payload: { user_id: user.id, key_id: keyId } });
      });
    } catch (err) {
      throw this.duplicateError(err) ?? err;
    }
    const saved = await this.repo.findOneByOrFail({ id: user.id });
    this.emit({
      type: SecurityEventType.UserRegistered,
      userId: saved.id,
      actorId: actorId ?? saved.id,
      meta,
      details: { username: saved.username, role: saved.role },
    });
    return { user: saved, apiKey: key.key };
  }

  async assertAvailable(email: string | null, username: string | null, exceptId?: string): Promise<void> {
    if (username) {
      const u = await this.repo.findOne({ where: { usernameCanonical: username.toLowerCase() }, select: { id: true } });
      if (u && u.id !== exceptId) throw new AppError(ErrorCode.UsernameTaken, 'Username already registered');
    }
    if (email) {
      const e = await this.repo.findOne({ where: { email: UsersService.normalizeEmail(email) }, select: { id: true } });
      if (e && e.id !== exceptId) throw new AppError(ErrorCode.EmailTaken, 'Email already registered');
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
    return this.repo.findOneBy({ id });
  }

  async getById(id: string): Promise<User> {
    const user = await this.findById(id);
    if (!user) throw AppError.notFound('User');
    return user;
  }

  /** Login accepts username or email, case-insensitively. */
  findByLogin(login: string): Promise<User | null> {
    const v = login.trim().toLowerCase();
    if (!v || v.length > 254) return Promise.resolve(null);
    return this.repo.findOne({ where: v.includes('@') ? { email: v } : { usernameCanonical: v } });
  }

  emit(event: SecurityEventInput): void {
    this.events.emit(SECURITY_EVENT, event);
  }
}
