import { Injectable } from '@nestjs/common';
import { HeaderAPIKeyStrategy } from 'passport-headerapikey';
import { hashApiKey, looksLikeApiKey } from '../../personal-keys/personal-key.util';
import { PersonalKeysRepository } from '../../personal-keys/personal-keys.repository';
import { VerifiedCredential } from '../credential/principal-cache';
import { OwnPassportStrategy } from './own-passport-strategy';

/**
 * Personal keys: one SHA-256 and one indexed lookup (current or previous secret); a wrong key costs the same as a
 * right one. Whether the key may still be used (expiry, roll overlap, deletion) is decided per request by
 * KeyAccessGuard.
 */
@Injectable()
export class ApiKeyStrategy extends OwnPassportStrategy(HeaderAPIKeyStrategy, 'api-key') {
  constructor(private readonly keys: PersonalKeysRepository) {
    super({ header: 'x-api-key', prefix: '' }, false);
  }

  async validate(apiKey: string): Promise<VerifiedCredential | false> {
    const hash = hashApiKey(apiKey);
    if (!looksLikeApiKey(apiKey)) return false;
    const key = await this.keys.findByHash(hash);
    return key ? { via: 'api_key', userId: key.userId, keyId: key.id, keyHash: hash } : false;
  }
}
