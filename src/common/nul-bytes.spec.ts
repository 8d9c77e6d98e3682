import { AppError, ErrorCode } from './errors';
import { containsNul, rejectNulBytes } from './nul-bytes';

describe('NUL bytes in requests', () => {
  it.each([
    ['a string', true, 'a\u0000b'],
    ['a nested value', true, { a: [{ b: 'x\u0000' }] }],
    ['a key', true, { ['k\u0000']: 1 }],
    ['clean text and numbers', false, { a: 'b', n: 1, list: ['x', null, true] }],
    ['undefined', false, undefined],
  ])('containsNul: %s → %s', (_name, expected, value) => {
    expect(containsNul(value)).toBe(expected);
  });

  it('stops at a depth bound instead of recursing without end', () => {
    let deep: unknown = 'x\u0000';
    for (let i = 0; i < 10_000; i++) deep = { d: deep };
    expect(containsNul(deep)).toBe(false);
  });

  it('the hook refuses a body or query with one (400 MALFORMED_BODY) and lets others through', () => {
    const done = jest.fn();
    rejectNulBytes({ body: { username: 'a\u0000' }, query: {} } as never, {} as never, done);
    expect(done.mock.calls[0][0]).toBeInstanceOf(AppError);
    expect((done.mock.calls[0][0] as AppError).code).toBe(ErrorCode.MalformedBody);
    rejectNulBytes({ body: undefined, query: { search: '%00 is fine, \u0000 is not' } } as never, {} as never, done);
    expect((done.mock.calls[1][0] as AppError).status).toBe(400);
    rejectNulBytes({ body: { a: 'b' }, query: { q: 'c' } } as never, {} as never, done);
    expect(done.mock.calls[2]).toEqual([]);
  });
});
