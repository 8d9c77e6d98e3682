import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, Repository } from 'typeorm';
import { Unit } from '../database/atomic-writes';
import { UnitSteps } from '../database/unit-of-work';
import { UsersRepository } from '../users/users.repository';
import { PersonalKey } from './entities/personal-key.entity';

export interface NewKeyRow {
  userId: string;
  name: string;
  keyHash: string;
  prefix: string;
  scopes: string | null;
  expiresAt: Date | null;
  rateLimits: { perMinute: number | null; perHour: number | null; perDay: number | null };
  createdAt: Date;
}

export const DEFAULT_KEY_NAME = 'default';

/**
 * Every statement on user_api_keys. Reads go through TypeORM (hydrated dates); writes are statements of a unit,
 * so a change and its domain events commit together.
 */
@Injectable()
export class PersonalKeysRepository {
  private readonly repo: Repository<PersonalKey>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(PersonalKey);
  }

  /** The key a presented secret belongs to: its current hash or the one before its last roll (both indexed). */
  findByHash(hash: string): Promise<Pick<PersonalKey, 'id' | 'userId'> | null> {
    return this.repo.findOne({
      where: [{ keyHash: hash }, { previousKeyHash: hash }],
      select: { id: true, userId: true },
    });
  }

  /** The whole row of the key a presented secret belongs to (current or previous hash). */
  findRowByHash(hash: string): Promise<PersonalKey | null> {
    return this.repo.findOne({ where: [{ keyHash: hash }, { previousKeyHash: hash }] });
  }

  /** A user's keys, newest first (ix_user_api_keys_user_id_created_at). */
  listForUser(userId: string): Promise<PersonalKey[]> {
    return this.repo.find({ where: { userId }, order: { createdAt: 'DESC', id: 'ASC' } });
  }

  findOwned(userId: string, id: string): Promise<PersonalKey | null> {
    return this.repo.findOneBy({ id, userId });
  }

  findByName(userId: string, name: string): Promise<PersonalKey | null> {
    return this.repo.findOneBy({ userId, name });
  }

  /**
   * Inserts a key unless its owner already has `max` (one conditional statement; on Postgres the owner's row is locked
   * first so parallel creations are counted one after the other). Returns the new id, or null when at the limit.
   */
  static *insert(unit: Unit, row: NewKeyRow, max: number): UnitSteps<string | null> {
    yield* UsersRepository.lockRow(unit, row.userId);
    const id = randomUUID();
    const inserted = yield* unit.write({
      sql: `INSERT INTO user_api_keys (id, user_id, name, key_hash, prefix, scopes, expires_at,
              rate_limit_per_minute, rate_limit_per_hour, rate_limit_per_day, created_at)
            SELECT :id, :userId, :name, :keyHash, :prefix, :scopes, :expiresAt, :perMinute, :perHour, :perDay, :createdAt
             WHERE (SELECT COUNT(*) FROM user_api_keys WHERE user_id = :userId) < :max`,
      params: {
        id,
        userId: row.userId,
        name: row.name,
        keyHash: row.keyHash,
        prefix: row.prefix,
        scopes: row.scopes,
        expiresAt: row.expiresAt,
        perMinute: row.rateLimits.perMinute,
        perHour: row.rateLimits.perHour,
        perDay: row.rateLimits.perDay,
        createdAt: row.createdAt,
        max,
      },
    });
    return inserted === 1 ? id : null;
  }

  /**
   * A new secret for the key; the current one stays valid until `previousUntil` (null: it dies now). A secret rolled
   * out earlier is dropped. Affects 0 rows when the key is gone.
   */
  static *roll(
    unit: Unit,
    key: { id: string; userId: string },
    secret: { hash: string; prefix: string },
    at: Date,
    previousUntil: Date | null,
  ): UnitSteps<number> {
    return yield* unit.write({
      sql: `UPDATE user_api_keys
               SET previous_key_hash = ${previousUntil ? 'key_hash' : 'NULL'}, previous_expires_at = :previousUntil,
                   key_hash = :hash, prefix = :prefix, rolled_at = :at, last_used_at = NULL
             WHERE id = :id AND user_id = :userId`,
      params: { id: key.id, userId: key.userId, hash: secret.hash, prefix: secret.prefix, at, previousUntil },
    });
  }

  static *update(
    unit: Unit,
    key: { id: string; userId: string },
    changes: { name?: string; scopes?: string | null; rateLimits?: NewKeyRow['rateLimits'] },
  ): UnitSteps<number> {
    const sets: string[] = [];
    const params: Record<string, unknown> = { id: key.id, userId: key.userId };
    if (changes.name !== undefined) {
      sets.push('name = :name');
      params.name = changes.name;
    }
    if (changes.scopes !== undefined) {
      sets.push('scopes = :scopes');
      params.scopes = changes.scopes;
    }
    if (changes.rateLimits) {
      sets.push('rate_limit_per_minute = :perMinute', 'rate_limit_per_hour = :perHour', 'rate_limit_per_day = :perDay');
      Object.assign(params, changes.rateLimits);
    }
    if (!sets.length) return 1;
    return yield* unit.write({
      sql: `UPDATE user_api_keys SET ${sets.join(', ')} WHERE id = :id AND user_id = :userId`,
      params,
    });
  }

  static *delete(unit: Unit, key: { id: string; userId: string }): UnitSteps<number> {
    return yield* unit.write({
      sql: 'DELETE FROM user_api_keys WHERE id = :id AND user_id = :userId',
      params: { id: key.id, userId: key.userId },
    });
  }

  /** Last-used stamps, buffered in memory and written in batches (id order, so concurrent flushes never deadlock). */
  static *touch(unit: Unit, stamps: Iterable<[id: string, at: number]>): UnitSteps<void> {
    for (const [id, at] of stamps)
      yield* unit.write({
        sql: 'UPDATE user_api_keys SET last_used_at = :at WHERE id = :id',
        params: { id, at: new Date(at) },
      });
  }
}
