import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { SECURITY_EVENT, SecurityEventInput, SecurityEventType } from '../audit/audit.events';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { Principal, RequestMetadata } from '../common/principal';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { uniqueViolation } from '../database/db-errors';
import { ApiKeyEvent, ApiKeyEventPayload } from '../common/domain-events';
import { DomainEvent, EventUnit, UnitOfWork, UnitSteps } from '../database/unit-of-work';
import { DefaultKeyIssuer } from '../users/default-key-issuer';
import { UsersRepository } from '../users/users.repository';
import { Role } from '../users/users.enums';
import { UsersService } from '../users/users.service';
import {
  CreatedPersonalKeyDto,
  CreatePersonalKeyDto,
  KeyRateLimitsDto,
  PersonalKeyResponseDto,
  RegeneratedApiKeyDto,
  UpdatePersonalKeyDto,
} from './dto/personal-key.dto';
import { PersonalKey } from './entities/personal-key.entity';
import { parseScopes } from './key-registry.service';
import { KeyUsage } from './key-usage.service';
import { toPersonalKeyOut } from './personal-key.mapper';
import { generateApiKey, hashApiKey, looksLikeApiKey } from './personal-key.util';
import { DEFAULT_KEY_NAME, NewKeyRow, PersonalKeysRepository } from './personal-keys.repository';
import { ADMIN_ONLY_SCOPES, ROLE_SCOPES, Scope, scopesOf } from '../common/scopes';

const DAY_MS = 86_400_000;

type Owner = { id: string; role: Role };

const keyEvent = (name: string, key: { userId: string; id: string }): DomainEvent<ApiKeyEventPayload> => ({
  name,
  payload: { user_id: key.userId, key_id: key.id },
});

/** A live key found by its secret (introspection, `/oauth/revoke`). */
export interface FoundApiKey {
  userId: string;
  keyId: string;
  /** undefined: every scope its owner holds. */
  scopes?: readonly Scope[];
  createdAt: Date;
  expiresAt: Date | null;
}

/** Several API keys per user: scopes, expiry, own limits, rolls with overlap. The `default` key is part one's. */
@Injectable()
export class PersonalKeysService implements DefaultKeyIssuer, OnModuleInit {
  constructor(
    private readonly repo: PersonalKeysRepository,
    private readonly uow: UnitOfWork,
    private readonly usage: KeyUsage,
    private readonly events: EventEmitter2,
    private readonly clock: Clock,
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    this.users.useDefaultKeyIssuer(this);
  }

  /** A new user's `default` key, all scopes, no expiry, inside the unit that inserts the user. */
  *issue(unit: EventUnit, userId: string, at: Date): UnitSteps<{ key: string; prefix: string }> {
    const secret = generateApiKey();
    const row: NewKeyRow = {
      userId,
      name: DEFAULT_KEY_NAME,
      keyHash: secret.hash,
      prefix: secret.prefix,
      scopes: null,
      expiresAt: null,
      rateLimits: { perMinute: null, perHour: null, perDay: null },
      createdAt: at,
    };
    const id = yield* PersonalKeysRepository.insert(unit, row, Number.MAX_SAFE_INTEGER);
    if (!id) throw new Error('the default key of a new user was not inserted');
    yield* UsersRepository.mirrorDefaultKey(unit, userId, row);
    yield* unit.publish(keyEvent(ApiKeyEvent.Created, { userId, id }));
    return { key: secret.key, prefix: secret.prefix };
  }

  async listForAdmin(userId: string): Promise<PersonalKeyResponseDto[]> {
    const user = await this.users.findById(userId);
    if (!user) throw AppError.notFound('User');
    return this.list({ id: user.id, role: user.role });
  }

  private out(k: PersonalKey, owner: Owner): PersonalKeyResponseDto {
    return toPersonalKeyOut(k, owner.role, this.usage.pending(k.id));
  }

  async list(owner: Owner): Promise<PersonalKeyResponseDto[]> {
    return (await this.repo.listForUser(owner.id)).map((k) => this.out(k, owner));
  }

  async get(owner: Owner, id: string): Promise<PersonalKeyResponseDto> {
    return this.out(await this.owned(owner.id, id), owner);
  }

  private async owned(userId: string, id: string): Promise<PersonalKey> {
    const key = await this.repo.findOwned(userId, id);
    if (!key) throw AppError.notFound('API key');
    return key;
  }

  /** The scopes asked for, checked against what the caller holds: no key mints a wider key. */
  private grantable(principal: Principal, asked: string[] | undefined): string | null {
    if (asked === undefined) {
      if (principal.scopes && !ROLE_SCOPES[principal.user.role].every((s) => principal.scopes!.includes(s)))
        throw new AppError(ErrorCode.Forbidden, 'A key without every scope cannot create a key with every scope');
      return null;
    }
    const held = scopesOf(principal);
    for (const s of asked as Scope[]) {
      if (ADMIN_ONLY_SCOPES.includes(s) && principal.user.role !== Role.Admin)
        throw new AppError(ErrorCode.Forbidden, `Only administrators can hold the scope "${s}"`);
      if (!held.includes(s))
        throw new AppError(ErrorCode.Forbidden, `You cannot grant the scope "${s}": you do not hold it`);
    }
    return [...asked].sort((a, b) => SCOPES_ORDER.indexOf(a) - SCOPES_ORDER.indexOf(b)).join(' ');
  }

  private expiry(dto: CreatePersonalKeyDto): Date | null {
    if (dto.expires_at !== undefined && dto.expires_in_days !== undefined)
      throw AppError.validation([{ field: 'expires_at', message: 'give expires_at or expires_in_days, not both' }]);
    const now = this.clock.now();
    if (dto.expires_in_days !== undefined) return new Date(now + dto.expires_in_days * DAY_MS);
    if (dto.expires_at === undefined) return null;
    const at = new Date(dto.expires_at);
    if (Number.isNaN(at.getTime()) || at.getTime() <= now)
      throw AppError.validation([{ field: 'expires_at', message: 'must be a time in the future' }]);
    return at;
  }

  async create(principal: Principal, dto: CreatePersonalKeyDto, meta: RequestMetadata): Promise<CreatedPersonalKeyDto> {
    const owner = principal.user;
    const scopes = this.grantable(principal, dto.scopes);
    const expiresAt = this.expiry(dto);
    const secret = generateApiKey();
    const row: NewKeyRow = {
      userId: owner.id,
      name: dto.name,
      keyHash: secret.hash,
      prefix: secret.prefix,
      scopes,
      expiresAt,
      rateLimits: limits(dto.rate_limits),
      createdAt: this.clock.date(),
    };
    const max = this.config.apiKeysPerUser;
    const id = await this.named(() =>
      this.uow.run(function* (unit: EventUnit) {
        const inserted = yield* PersonalKeysRepository.insert(unit, row, max);
        if (!inserted) return null;
        if (row.name === DEFAULT_KEY_NAME) yield* UsersRepository.mirrorDefaultKey(unit, row.userId, row);
        yield* unit.publish(keyEvent(ApiKeyEvent.Created, { userId: row.userId, id: inserted }));
        return inserted;
      }),
    );
    if (!id) throw new AppError(ErrorCode.ApiKeyLimitReached, `You already have ${max} API keys, the most allowed`);
    const key = await this.owned(owner.id, id);
    this.audit(SecurityEventType.ApiKeyCreated, owner.id, meta, { key_id: id, name: key.name, prefix: key.prefix });
    return { ...this.out(key, owner), key: secret.key };
  }

  async update(principal: Principal, id: string, dto: UpdatePersonalKeyDto): Promise<PersonalKeyResponseDto> {
    const owner = principal.user;
    const key = await this.owned(owner.id, id);
    let scopes: string | null | undefined;
    if (dto.scopes !== undefined) {
      const current = parseScopes(key.scopes) ?? ROLE_SCOPES[owner.role];
      const wider = dto.scopes.filter((s) => !current.includes(s as Scope));
      if (wider.length)
        throw new AppError(
          ErrorCode.Forbidden,
          `Scopes can only be narrowed; the key does not hold: ${wider.join(', ')}`,
        );
      scopes = this.grantable(principal, dto.scopes);
    }
    const changes = { name: dto.name, scopes, rateLimits: dto.rate_limits ? limits(dto.rate_limits, key) : undefined };
    const target = { id: key.id, userId: owner.id };
    const changed = await this.named(() =>
      this.uow.run(function* (unit: EventUnit) {
        const n = yield* PersonalKeysRepository.update(unit, target, changes);
        if (n) yield* unit.publish(keyEvent(ApiKeyEvent.Updated, target));
        return n;
      }),
    );
    if (!changed) throw AppError.notFound('API key');
    return this.get(owner, id);
  }

  /** A new secret; the old one keeps working for `overlapSeconds`, then dies. The key keeps everything else. */
  async roll(owner: Owner, id: string, overlapSeconds: number, meta: RequestMetadata): Promise<CreatedPersonalKeyDto> {
    const key = await this.owned(owner.id, id);
    const secret = generateApiKey();
    await this.rollKey(key, secret, overlapSeconds);
    this.audit(SecurityEventType.ApiKeyRolled, owner.id, meta, {
      key_id: key.id,
      name: key.name,
      prefix: secret.prefix,
      overlap_seconds: overlapSeconds,
    });
    return { ...this.out(await this.owned(owner.id, id), owner), key: secret.key };
  }

  private async rollKey(key: PersonalKey, secret: { hash: string; prefix: string }, overlapSeconds: number) {
    const at = this.clock.date();
    const until = overlapSeconds > 0 ? new Date(at.getTime() + overlapSeconds * 1000) : null;
    const target = { id: key.id, userId: key.userId };
    const isDefault = key.name === DEFAULT_KEY_NAME;
    const rolled = await this.uow.run(function* (unit: EventUnit) {
      const n = yield* PersonalKeysRepository.roll(unit, target, secret, at, until);
      if (!n) return 0;
      if (isDefault)
        yield* UsersRepository.mirrorDefaultKey(unit, target.userId, { prefix: secret.prefix, createdAt: at });
      yield* unit.publish(keyEvent(ApiKeyEvent.Rolled, target));
      return n;
    });
    if (!rolled) throw AppError.notFound('API key');
  }

  /** Deletes one of the owner's keys (an admin's `actorId` when an admin does it); it stops working at once. */
  async delete(
    ownerId: string,
    id: string,
    meta: Partial<RequestMetadata>,
    actorId?: string,
    via?: string,
  ): Promise<void> {
    const key = await this.owned(ownerId, id);
    const target = { id: key.id, userId: ownerId };
    const isDefault = key.name === DEFAULT_KEY_NAME;
    const deleted = await this.uow.run(function* (unit: EventUnit) {
      const n = yield* PersonalKeysRepository.delete(unit, target);
      if (!n) return 0;
      if (isDefault) yield* UsersRepository.mirrorDefaultKey(unit, target.userId, null);
      yield* unit.publish(keyEvent(ApiKeyEvent.Revoked, target));
      return n;
    });
    if (!deleted) throw AppError.notFound('API key');
    this.audit(
      SecurityEventType.ApiKeyDeleted,
      ownerId,
      meta,
      { key_id: key.id, name: key.name, prefix: key.prefix, ...(via ? { via } : {}) },
      actorId,
    );
  }

  /**
   * The live key a secret belongs to: its current secret, or the previous one within the roll's overlap; not
   * expired. Null for anything else (introspection says `active: false` and nothing more).
   */
  async findBySecret(secret: string): Promise<FoundApiKey | null> {
    if (!looksLikeApiKey(secret)) return null;
    const hash = hashApiKey(secret);
    const key = await this.repo.findRowByHash(hash);
    const now = this.clock.now();
    if (!key) return null;
    const current = key.keyHash === hash;
    if (!current && !(key.previousExpiresAt && new Date(key.previousExpiresAt).getTime() > now)) return null;
    if (key.expiresAt && new Date(key.expiresAt).getTime() <= now) return null;
    const scopes = parseScopes(key.scopes) ?? undefined;
    return { userId: key.userId, keyId: key.id, scopes, createdAt: key.createdAt, expiresAt: key.expiresAt };
  }

  /** Deletes the key a secret belongs to (`/oauth/revoke` by whoever found it); false when there is none. */
  async deleteBySecret(secret: string, meta: Partial<RequestMetadata>): Promise<boolean> {
    if (!looksLikeApiKey(secret)) return false;
    const key = await this.repo.findByHash(hashApiKey(secret));
    if (!key) return false;
    try {
      await this.delete(key.userId, key.id, meta, undefined, 'oauth_revoke');
      return true;
    } catch (err) {
      if (err instanceof AppError && err.code === ErrorCode.NotFound) return false; // deleted meanwhile
      throw err;
    }
  }

  /** Part one's regenerate: the `default` key rolled with no overlap (created when the user has none). */
  async regenerate(principal: Principal, meta: RequestMetadata): Promise<RegeneratedApiKeyDto> {
    const owner = principal.user;
    const existing = await this.repo.findByName(owner.id, DEFAULT_KEY_NAME);
    let secret;
    if (existing) {
      secret = generateApiKey();
      await this.rollKey(existing, secret, 0);
    } else {
      const created = await this.create(principal, { name: DEFAULT_KEY_NAME }, meta);
      secret = { key: created.key, prefix: created.prefix };
    }
    this.audit(SecurityEventType.ApiKeyRegenerated, owner.id, meta, { api_key_prefix: secret.prefix });
    return { api_key: secret.key, api_key_prefix: secret.prefix };
  }

  private async named<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      if (uniqueViolation(err))
        throw new AppError(ErrorCode.ApiKeyNameTaken, 'You already have an API key with this name');
      throw err;
    }
  }

  private audit(
    type: SecurityEventType,
    userId: string,
    meta: Partial<RequestMetadata>,
    details: Record<string, unknown>,
    actorId?: string,
  ): void {
    const event: SecurityEventInput = { type, userId, actorId: actorId ?? userId, meta, details };
    this.events.emit(SECURITY_EVENT, event);
  }
}

const SCOPES_ORDER: readonly string[] = ROLE_SCOPES[Role.Admin];

function limits(dto: KeyRateLimitsDto | undefined, current?: PersonalKey): NewKeyRow['rateLimits'] {
  const pick = (given: number | null | undefined, now: number | null | undefined) =>
    given === undefined ? (now ?? null) : given;
  return {
    perMinute: pick(dto?.per_minute, current?.rateLimitPerMinute),
    perHour: pick(dto?.per_hour, current?.rateLimitPerHour),
    perDay: pick(dto?.per_day, current?.rateLimitPerDay),
  };
}
