import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Rows per transaction when buffered counters are written. SQLite's statements run synchronously on the event loop:
 * a flush of a few thousand callers in one transaction held every request for ~80 ms; in slices it holds them a few
 * milliseconds at a time, with the requests that arrived meanwhile served between slices.
 */
export const FLUSH_SLICE = 100;

/**
 * Writes `items` a slice at a time, each slice in its own transaction (`write`), yielding to the event loop between
 * slices. When a slice fails, it and the slices after it were not written: `unwritten` gets them back (to be kept for
 * the next attempt), then the error is thrown. Slices already committed stay written.
 */
export async function writeInSlices<T>(
  items: readonly T[],
  write: (slice: readonly T[]) => Promise<void>,
  unwritten: (rest: readonly T[], err: Error) => void,
  size = FLUSH_SLICE,
): Promise<void> {
  for (let i = 0; i < items.length; i += size) {
    if (i > 0) await nextTurn();
    try {
      await write(items.slice(i, i + size));
    } catch (err) {
      unwritten(items.slice(i), err as Error);
      throw err;
    }
  }
}
