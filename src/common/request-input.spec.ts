import { AppError, ErrorCode } from './errors';
import { inputProblem, MAX_BODY_DEPTH, MAX_BODY_VALUES, rejectHostileInput } from './request-input';

const nest = (levels: number, leaf: unknown = 1): unknown => {
  let v = leaf;
  for (let i = 0; i < levels; i++) v = i % 2 ? { d: v } : [v];
  return v;
};

describe('hostile request input', () => {
  it.each([
    ['a string', 'a\u0000b'],
    ['a nested value', { a: [{ b: 'x\u0000' }] }],
    ['a key', { ['k\u0000']: 1 }],
  ])('U+0000 in %s is refused', (_name, value) => {
    expect(inputProblem(value)).toMatch(/NUL character/);
  });

  it('clean text, numbers, null and undefined pass', () => {
    expect(inputProblem({ a: 'b', n: 1, list: ['x', null, true], none: undefined })).toBeNull();
    expect(inputProblem(undefined)).toBeNull();
  });

  it(`nesting: ${MAX_BODY_DEPTH} levels pass, one more is refused, a million are refused without recursion`, () => {
    expect(inputProblem(nest(MAX_BODY_DEPTH))).toBeNull();
    expect(inputProblem(nest(MAX_BODY_DEPTH + 1))).toMatch(/nested too deeply/);
    expect(inputProblem(nest(1_000_000))).toMatch(/nested too deeply/);
  });

  it(`values: more than ${MAX_BODY_VALUES} are refused without walking the rest`, () => {
    expect(inputProblem({ a: Array(MAX_BODY_VALUES - 1).fill(0) })).toBeNull();
    expect(inputProblem(Array(5_000_000).fill(0))).toMatch(/too many values/);
    expect(
      inputProblem(Object.fromEntries(Array.from({ length: MAX_BODY_VALUES + 1 }, (_, i) => [`k${i}`, 1]))),
    ).toMatch(/too many values/);
  });

  it('the hook answers 400 MALFORMED_BODY for a body or a query, and lets clean ones through', () => {
    const done = jest.fn();
    rejectHostileInput({ body: { username: 'a\u0000' }, query: {} } as never, {} as never, done);
    rejectHostileInput({ body: undefined, query: { search: 'x\u0000' } } as never, {} as never, done);
    rejectHostileInput({ body: { settings: nest(40) }, query: {} } as never, {} as never, done);
    rejectHostileInput({ body: { a: 'b' }, query: { q: 'c' } } as never, {} as never, done);
    for (const call of done.mock.calls.slice(0, 3)) {
      expect(call[0]).toBeInstanceOf(AppError);
      expect((call[0] as AppError).code).toBe(ErrorCode.MalformedBody);
      expect((call[0] as AppError).status).toBe(400);
    }
    expect(done.mock.calls[3]).toEqual([]);
  });
});
