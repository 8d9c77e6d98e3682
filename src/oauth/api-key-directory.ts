import { Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import { hashApiKey, looksLikeApiKey } from '../api-keys/api-key.util';
import { SECURITY_EVENT, SecurityEventInput, SecurityEventType } from '../audit/audit.events';
import { UnitOfWork } from '../database/unit-of-work';
import { PrincipalCache } from '../auth/credential/principal-cache';
import { User } from '../users/entities/user.entity';

export interface FoundApiKey {
  userId: string;
  /** The key's id, when keys have their own rows. */
  keyId?: string;
  /** undefined: every scope its owner holds. */
  scopes?: readonly string[];
  createdAt: Date | null;
  expiresAt?: Date | null;
}

/**
 * What introspection and revocation need to know about API keys: find one by its secret, delete one. Today the
 * personal key of each user (users.api_key_hash); the several-keys table replaces this implementation.
 */
@Injectable()
export class ApiKeyDirectory {
  constructor(
    private readonly dataSource: DataSource,
    private readonly state: PrincipalCache,
    private readonly unitOfWork: UnitOfWork,
    private readonly events: EventEmitter2,
  ) {}

  async find(key: string): Promise<FoundApiKey | null> {
    if (!looksLikeApiKey(key)) return null;
    const user = await this.dataSource
      .getRepository(User)
      .findOne({ where: { apiKeyHash: hashApiKey(key) }, select: { id: true, apiKeyCreatedAt: true } });
    return user ? { userId: user.id, createdAt: user.apiKeyCreatedAt } : null;
  }

  /** Deletes the key (one conditional statement on its hash); false when no such key exists. */
  async delete(key: string): Promise<boolean> {
    if (!looksLikeApiKey(key)) return false;
    const hash = hashApiKey(key);
    const owner = await this.dataSource
      .getRepository(User)
      .findOne({ where: { apiKeyHash: hash }, select: { id: true, apiKeyPrefix: true } });
    if (!owner) return false;
    const res = await this.dataSource
      .getRepository(User)
      .update({ id: owner.id, apiKeyHash: hash }, { apiKeyHash: null, apiKeyPrefix: null, apiKeyCreatedAt: null });
    if (!res.affected) return false;
    await this.state.invalidateUser(owner.id);
    await this.unitOfWork.publish({ name: 'api_key.revoked', payload: { user_id: owner.id, key_id: null } });
    const event: SecurityEventInput = {
      type: SecurityEventType.ApiKeyRevoked,
      severity: 'warning',
      userId: owner.id,
      details: { api_key_prefix: owner.apiKeyPrefix, via: 'oauth_revoke' },
    };
    this.events.emit(SECURITY_EVENT, event);
    return true;
  }
}
