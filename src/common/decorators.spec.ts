import { ExecutionContext, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { routeMetadata } from './decorators';

const KEY = 'test:key';
class Open {
  plain() {}
  marked() {}
}
SetMetadata(KEY, 'handler')(Open.prototype, 'marked', Object.getOwnPropertyDescriptor(Open.prototype, 'marked')!);
class Closed {
  plain() {}
}
SetMetadata(KEY, 'class')(Closed);

const context = (cls: object, handler: object) =>
  ({ getClass: () => cls, getHandler: () => handler }) as unknown as ExecutionContext;

describe('routeMetadata', () => {
  it('answers like getAllAndOverride (handler over class) and asks the reflector once per route', () => {
    const reflector = new Reflector();
    const spy = jest.spyOn(reflector, 'getAllAndOverride');
    const read = routeMetadata<string>(reflector, KEY);
    for (let i = 0; i < 3; i++) {
      expect(read(context(Open, Open.prototype.plain))).toBeUndefined();
      expect(read(context(Open, Open.prototype.marked))).toBe('handler');
      expect(read(context(Closed, Closed.prototype.plain))).toBe('class');
    }
    expect(spy).toHaveBeenCalledTimes(3);
  });

  it('keeps one answer per (handler, class): an inherited handler may sit under a marked and an unmarked class', () => {
    class Base {
      shared() {}
    }
    class MarkedChild extends Base {}
    SetMetadata(KEY, 'child')(MarkedChild);
    const read = routeMetadata<string>(new Reflector(), KEY);
    expect(read(context(Base, Base.prototype.shared))).toBeUndefined();
    expect(read(context(MarkedChild, Base.prototype.shared))).toBe('child');
  });
});
