import { Presets, SingleBar } from 'cli-progress';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

/** A cli-progress bar on a terminal; plain "label: done/total" lines otherwise (logs, pipes, CI). */
export function createProgress(
  label: string,
  stream: NodeJS.WritableStream & { isTTY?: boolean } = process.stderr,
): Progress {
  if (stream.isTTY) {
    const bar = new SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | {value}/{total}`,
        stream: stream as NodeJS.WritableStream,
        hideCursor: true,
        clearOnComplete: false,
      },
      Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        if (!started) bar.start(total, done);
        else {
          bar.setTotal(total);
          bar.update(done);
        }
        started = true;
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  return {
    update(done, total) {
      stream.write(`${label}: ${done}/${total}\n`);
    },
    stop() {},
  };
}
