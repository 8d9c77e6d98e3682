/** Escapes LIKE wildcards so a search for "50%_off" matches those characters literally (used with ESCAPE '\'). */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

export interface PageInfo {
  total: number;
  page: number;
  per_page: number;
  pages: number;
}

export function pageInfo(total: number, page: number, perPage: number): PageInfo {
  return { total, page, per_page: perPage, pages: Math.ceil(total / perPage) };
}
