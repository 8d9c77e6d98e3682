import baseX from 'base-x';
import { createHash, randomBytes } from 'node:crypto';

const base62 = baseX('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz');

export const API_KEY_PREFIX = 'tk_';
export const API_KEY_DISPLAY_LENGTH = 10;
/** tk_ + base62 of 32 random bytes, always 43 characters (left-padded with 0: a small number has fewer digits). */
const API_KEY_SHAPE = /^tk_[0-9A-Za-z]{40,64}$/;

/** 62^43 > 2^256: every 32-byte number fits in 43 base62 digits. */
const KEY_DIGITS = 43;

export interface GeneratedApiKey {
  key: string;
  hash: string;
  prefix: string;
}

export function generateApiKey(): GeneratedApiKey {
  const key = API_KEY_PREFIX + base62.encode(randomBytes(32)).padStart(KEY_DIGITS, '0');
  return { key, hash: hashApiKey(key), prefix: key.slice(0, API_KEY_DISPLAY_LENGTH) };
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function looksLikeApiKey(value: string): boolean {
  return API_KEY_SHAPE.test(value);
}
