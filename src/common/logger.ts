import { LoggerService } from '@nestjs/common';
import pino, { Bindings, ChildLoggerOptions, DestinationStream, Logger } from 'pino';

const SECRET_QUERY_PARAMS = new Set([
  'api_key',
  'apikey',
  'access_token',
  'refresh_token',
  'token',
  'password',
  'key',
  'code',
]);

const decodedName = (raw: string) => {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).trim().toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
};

/**
 * Removes secret values from a URL's query string before it can reach a log line. Names are compared as the query
 * parser reads them (percent-decoded: `?api%5Fkey=` and `?%61pi_key=` are `api_key`), so no spelling slips through.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash === -1 ? undefined : hash);
  const redacted = query
    .split('&')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq === -1 ? part : part.slice(0, eq);
      return eq !== -1 && SECRET_QUERY_PARAMS.has(decodedName(name)) ? `${name}=[REDACTED]` : part;
    })
    .join('&');
  return `${url.slice(0, q)}?${redacted}${hash === -1 ? '' : url.slice(hash)}`;
}

const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.password',
  '*.new_password',
  '*.current_password',
  '*.access_token',
  '*.refresh_token',
  '*.api_key',
  '*.key',
  '*.secret',
  '*.token',
];

export function createRootLogger(level: string, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'voicegate' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[REDACTED]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

type Method = 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal';

/**
 * Fastify's per-request logger, made only when something logs through it: pino's child() serializes and redacts
 * its bindings on every call, and most requests log through the root logger at most once (the access line
 * carries req_id).
 */
class LazyRequestLogger {
  private made?: Logger;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Bindings,
    private readonly options: ChildLoggerOptions,
  ) {}

  private get logger(): Logger {
    return (this.made ??= this.parent.child(this.bindings, this.options));
  }

  private write(method: Method, args: unknown[]): void {
    if (this.parent.isLevelEnabled(method)) (this.logger[method] as (...a: unknown[]) => void)(...args);
  }

  info(...args: unknown[]) {
    this.write('info', args);
  }
  error(...args: unknown[]) {
    this.write('error', args);
  }
  warn(...args: unknown[]) {
    this.write('warn', args);
  }
  debug(...args: unknown[]) {
    this.write('debug', args);
  }
  trace(...args: unknown[]) {
    this.write('trace', args);
  }
  fatal(...args: unknown[]) {
    this.write('fatal', args);
  }
  child(bindings: Bindings, options?: ChildLoggerOptions) {
    return this.logger.child(bindings, options);
  }
  isLevelEnabled(level: string) {
    return this.parent.isLevelEnabled(level);
  }
  get level() {
    return this.parent.level;
  }
}

/** Fastify's `childLoggerFactory` (its parent is always the pino root logger created above). */
export function lazyChildLogger<L>(parent: L, bindings: Bindings, options: ChildLoggerOptions): L {
  return new LazyRequestLogger(parent as unknown as Logger, bindings, options) as unknown as L;
}

/** Nest's LoggerService on the same pino instance, so every line is structured JSON. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly root: Logger) {}

  private write(level: 'info' | 'error' | 'warn' | 'debug' | 'trace' | 'fatal', message: unknown, rest: unknown[]) {
    const context = typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const stack = level === 'error' && typeof rest[0] === 'string' ? rest[0] : undefined;
    if (message instanceof Error) this.root[level]({ context, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.root[level]({ context, ...(message as object) });
    else this.root[level]({ context, ...(stack ? { stack } : {}) }, String(message));
  }

  log(message: unknown, ...rest: unknown[]) {
    this.write('info', message, rest);
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
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]) {
    this.write('fatal', message, rest);
  }
}
