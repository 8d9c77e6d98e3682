/** Unique-constraint violation on either driver; returns the index/column hint when known. */
export function uniqueViolation(err: unknown): { hint: string } | null {
  const e = err as { code?: string; constraint?: string; detail?: string; message?: string; driverError?: unknown };
  if (!e) return null;
  const d = (e.driverError ?? e) as { code?: string; constraint?: string; detail?: string; message?: string };
  if (d.code === '23505') return { hint: `${d.constraint ?? ''} ${d.detail ?? ''}` };
  if (typeof d.code === 'string' && d.code.startsWith('SQLITE_CONSTRAINT_UNIQUE')) return { hint: d.message ?? '' };
  if (typeof d.code === 'string' && d.code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return { hint: d.message ?? '' };
  return null;
}
