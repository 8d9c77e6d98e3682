import { escapeLike, pageInfo } from './admin.mapper';

describe('escapeLike', () => {
  it.each([
    ['plain', 'plain'],
    ['50%', '50\\%'],
    ['a_b', 'a\\_b'],
    ['back\\slash', 'back\\\\slash'],
    ['%_\\', '\\%\\_\\\\'],
    ['', ''],
  ])('%j → %j', (input, escaped) => {
    expect(escapeLike(input)).toBe(escaped);
  });
});

describe('pageInfo', () => {
  it.each([
    [0, 1, 20, 0],
    [1, 1, 20, 1],
    [20, 1, 20, 1],
    [21, 2, 20, 2],
    [101, 3, 50, 3],
  ])('total %i, page %i, per_page %i → %i pages', (total, page, perPage, pages) => {
    expect(pageInfo(total, page, perPage)).toEqual({ total, page, per_page: perPage, pages });
  });
});
