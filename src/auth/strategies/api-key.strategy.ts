import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { hashApiKey, looksLikeApiKey } from '../../api-keys/api-key.util';
import { UsersRepository } from '../../users/users.repository';
import { VerifiedCredential } from '../credential/principal-cache';

/** Personal keys: one SHA-256 and one indexed lookup; a wrong key costs the same as a right one. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(HeaderAPIKeyStrategy, 'api-key') {
  constructor(private readonly users: UsersRepository) {
    super({ header: 'x-api-key', prefix: '' }, false);
  }

  async validate(apiKey: string): Promise<VerifiedCredential | false> {
    const hash = hashApiKey(apiKey);
    if (!looksLikeApiKey(apiKey)) return false;
    const userId = await this.users.idOfApiKeyHash(hash);
    return userId ? { via: 'api_key', userId, keyHash: hash } : false;
  }
}
