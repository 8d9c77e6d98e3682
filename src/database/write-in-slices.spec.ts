import { writeInSlices } from './write-in-slices';

describe('writeInSlices', () => {
  it('writes every item, a slice per call, and lets other work run between slices', async () => {
    const calls: number[][] = [];
    const seen: number[] = [];
    let turns = 0;
    await writeInSlices(
      Array.from({ length: 7 }, (_, i) => i),
      async (slice) => {
        calls.push([...slice]);
        seen.push(turns);
        setImmediate(() => turns++); // work that arrives while the slice is written
      },
      () => undefined,
      3,
    );
    expect(calls).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    // Each slice after the first came after that work ran (without a yield it would wait for the whole flush).
    expect(seen).toEqual([0, 1, 2]);
  });

  it('a failed slice hands back itself and the rest, keeps what was committed, and throws', async () => {
    const written: number[] = [];
    let handedBack: readonly number[] = [];
    const failure = new Error('database is locked');
    await expect(
      writeInSlices(
        [1, 2, 3, 4, 5],
        async (slice) => {
          if (slice.includes(3)) throw failure;
          written.push(...slice);
        },
        (rest, err) => {
          handedBack = rest;
          expect(err).toBe(failure);
        },
        2,
      ),
    ).rejects.toBe(failure);
    expect(written).toEqual([1, 2]);
    expect(handedBack).toEqual([3, 4, 5]);
  });

  it('writes nothing for nothing', async () => {
    const write = jest.fn();
    await writeInSlices([], write, () => undefined);
    expect(write).not.toHaveBeenCalled();
  });
});
