import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { DataSource } from 'typeorm';
import { hashApiKey, looksLikeApiKey } from './personal-key.util';
import { User } from '../users/entities/user.entity';
import { VerifiedCredential } from '../sessions/auth-state.service';

/** Personal keys: one SHA-256 and one indexed lookup; a wrong key costs the same as a right one. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, 'api-key') {
  constructor(private readonly dataSource: DataSource) {
    super({ header: 'x-api-key', prefix: '' }, false);
  }

  async validate(apiKey: string): Promise<VerifiedCredential | false> {
    const hash = hashApiKey(apiKey);
    if (!looksLikeApiKey(apiKey)) return false;
    const user = await this.dataSource
      .getRepository(User)
      .findOne({ where: { apiKeyHash: hash }, select: { id: true } });
    return user ? { via: 'api_key', userId: user.id, keyHash: hash } : false;
  }
}
