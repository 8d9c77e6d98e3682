import { formTextProblem, jsonTextProblem, MAX_BODY_DEPTH, MAX_BODY_VALUES } from './body-parsers';

describe('body text checks (before parsing)', () => {
  it(`nesting: ${MAX_BODY_DEPTH} levels pass, one more is refused, five million are refused at once`, () => {
    expect(jsonTextProblem('['.repeat(MAX_BODY_DEPTH) + ']'.repeat(MAX_BODY_DEPTH))).toBeNull();
    expect(jsonTextProblem('{"a":'.repeat(MAX_BODY_DEPTH + 1) + '1' + '}'.repeat(MAX_BODY_DEPTH + 1))).toMatch(
      /deeply/,
    );
    expect(jsonTextProblem('['.repeat(5_000_000))).toMatch(/deeply/);
  });

  it(`values: ${MAX_BODY_VALUES} pass, one more is refused, in arrays and objects alike`, () => {
    expect(
      jsonTextProblem(
        `[${Array(MAX_BODY_VALUES - 1)
          .fill(0)
          .join(',')}]`,
      ),
    ).toBeNull();
    expect(
      jsonTextProblem(
        `[${Array(MAX_BODY_VALUES + 1)
          .fill(0)
          .join(',')}]`,
      ),
    ).toMatch(/too many values/);
    expect(jsonTextProblem(`[${Array(MAX_BODY_VALUES).fill('{}').join(',')}]`)).toMatch(/too many values/);
    expect(
      jsonTextProblem(
        `{${Array(MAX_BODY_VALUES + 1)
          .fill('"a":1')
          .join(',')}}`,
      ),
    ).toMatch(/too many values/);
  });

  it('an escaped U+0000 is refused in values and keys; an escaped backslash before "u0000" is text', () => {
    expect(jsonTextProblem('{"a":"x\\u0000"}')).toMatch(/NUL/);
    expect(jsonTextProblem('{"\\u0000":1}')).toMatch(/NUL/);
    expect(jsonTextProblem('{"a":"\\\\u0000"}')).toBeNull();
    expect(jsonTextProblem('{"a":"\\\\\\u0000"}')).toMatch(/NUL/);
  });

  it('brackets, commas and quotes inside strings are not structure', () => {
    const text = JSON.stringify({ a: '[[[{{{'.repeat(100) + ',,,'.repeat(MAX_BODY_VALUES) + '"\\' });
    expect(jsonTextProblem(text)).toBeNull();
  });

  it('forms: values and %00 or a raw NUL', () => {
    expect(formTextProblem(Array(MAX_BODY_VALUES).fill('a=1').join('&'))).toBeNull();
    expect(
      formTextProblem(
        Array(MAX_BODY_VALUES + 1)
          .fill('a=1')
          .join('&'),
      ),
    ).toMatch(/too many values/);
    expect(formTextProblem('a=%00')).toMatch(/NUL/);
    expect(formTextProblem('a=\u0000')).toMatch(/NUL/);
    expect(formTextProblem('a=%2500')).toBeNull();
  });
});
