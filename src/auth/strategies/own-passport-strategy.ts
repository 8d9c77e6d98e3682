import { Type } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';

/** What the strategies give @nestjs/passport as "the passport instance": one that registers nothing. */
const REGISTERS_NOTHING = { use: () => undefined };

/**
 * @nestjs/passport's PassportStrategy, kept out of passport's process-wide registry (its constructor registers the
 * strategy in whatever getPassportInstance() returns): AppPassport registers it in this application's own instance.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- PassportStrategy's own constraint
export function OwnPassportStrategy<T extends Type<any>>(Strategy: T, name: string) {
  const mixin = PassportStrategy(Strategy, name);
  (mixin as Type).prototype.getPassportInstance = () => REGISTERS_NOTHING;
  return mixin;
}
