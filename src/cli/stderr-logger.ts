import { LoggerService } from '@nestjs/common';

type Level = 'fatal' | 'error' | 'warn' | 'log' | 'debug' | 'verbose';
const QUIET: Level[] = ['fatal', 'error', 'warn'];

/**
 * Nest's logger for the CLI: plain lines on stderr, so stdout carries only the command's results.
 * Hand-written because Nest's ConsoleLogger prints info lines to stdout. Warnings and errors only, unless verbose.
 */
export class StderrLogger implements LoggerService {
  constructor(
    private readonly showAll = false,
    private readonly out: NodeJS.WritableStream = process.stderr,
  ) {}

  private write(level: Level, message: unknown, rest: unknown[]): void {
    if (!this.showAll && !QUIET.includes(level)) return;
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const text =
      message instanceof Error ? message.message : typeof message === 'string' ? message : JSON.stringify(message);
    this.out.write(`${level === 'log' ? 'info' : level}: ${context ? `[${context}] ` : ''}${text}\n`);
    if (this.showAll && message instanceof Error && message.stack) this.out.write(message.stack + '\n');
  }

  log(message: unknown, ...rest: unknown[]) {
    this.write('log', message, rest);
  }
  error(message: unknown, ...rest: unknown[]) {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]) {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]) {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]) {
    this.write('verbose', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }
}
