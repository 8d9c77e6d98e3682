import { createInterface, Interface } from 'node:readline';
import { CliError, EXIT_FAILURE, EXIT_USAGE } from './cli-error';

export interface PromptInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

/**
 * Questions on stderr, answers from stdin. On a terminal input is read in raw mode (hidden answers are not
 * echoed); from a pipe, answers are plain lines, so scripts and tests can answer. Hand-written because the
 * prompt libraries at hand insist on a terminal, and the pipe case is the one scripts need.
 */
export class Prompter {
  private lines?: Interface;
  private readonly queue: string[] = [];
  private waiting?: (line: string | null) => void;
  private ended = false;

  constructor(
    private readonly input: PromptInput = process.stdin,
    private readonly output: NodeJS.WritableStream = process.stderr,
  ) {}

  get interactive(): boolean {
    return !!this.input.isTTY && typeof this.input.setRawMode === 'function';
  }

  /** One answer; `hidden` answers are never echoed. Trailing/leading spaces are kept only for hidden ones. */
  async ask(question: string, opts: { hidden?: boolean } = {}): Promise<string> {
    this.output.write(question);
    const answer = this.interactive ? await this.readRaw(!!opts.hidden) : await this.readLine();
    if (!this.interactive) this.output.write('\n');
    return opts.hidden ? answer : answer.trim();
  }

  /** A yes/no question; Enter takes the default. */
  async confirm(question: string, defaultYes: boolean): Promise<boolean> {
    for (;;) {
      const a = (await this.ask(`${question} ${defaultYes ? '[Y/n]' : '[y/N]'} `)).toLowerCase();
      if (a === '') return defaultYes;
      if (['y', 'yes'].includes(a)) return true;
      if (['n', 'no'].includes(a)) return false;
      this.output.write('Please answer y or n.\n');
    }
  }

  close(): void {
    this.lines?.close();
    this.lines = undefined;
    if (this.ended || this.interactive) this.input.pause();
  }

  private readLine(): Promise<string> {
    if (!this.lines) {
      this.lines = createInterface({ input: this.input, terminal: false, crlfDelay: Infinity });
      this.lines.on('line', (line) => {
        if (this.waiting) {
          const w = this.waiting;
          this.waiting = undefined;
          w(line);
        } else this.queue.push(line);
      });
      this.lines.on('close', () => {
        this.ended = true;
        this.waiting?.(null);
        this.waiting = undefined;
      });
    }
    if (this.queue.length) return Promise.resolve(this.queue.shift()!);
    if (this.ended) return Promise.reject(noInput());
    return new Promise((resolve, reject) => {
      this.waiting = (line) => (line === null ? reject(noInput()) : resolve(line));
    });
  }

  private readRaw(hidden: boolean): Promise<string> {
    const input = this.input;
    return new Promise((resolve, reject) => {
      let value = '';
      const finish = (err?: Error) => {
        input.removeListener('data', onData);
        input.setRawMode!(false);
        input.pause();
        this.output.write('\n');
        if (err) reject(err);
        else resolve(value);
      };
      const onData = (chunk: Buffer | string) => {
        const s = chunk.toString();
        if (s.startsWith('\u001b')) return; // arrow keys and other escape sequences: ignored
        for (const ch of s) {
          if (ch === '\r' || ch === '\n') return finish();
          if (ch === '\u0003') return finish(new CliError('Cancelled.', EXIT_FAILURE));
          if (ch === '\u0004') {
            if (value === '') return finish(noInput());
            return finish();
          }
          if (ch === '\u007f' || ch === '\b') {
            if (value.length) {
              value = [...value].slice(0, -1).join('');
              if (!hidden) this.output.write('\b \b');
            }
            continue;
          }
          if (ch < ' ') continue;
          value += ch;
          if (!hidden) this.output.write(ch);
        }
      };
      input.setRawMode!(true);
      input.resume();
      input.on('data', onData);
    });
  }
}

function noInput(): CliError {
  return new CliError(
    'No more input on stdin: give the values as options, with --yes (see --help), or run the command in a terminal.',
    EXIT_USAGE,
  );
}
