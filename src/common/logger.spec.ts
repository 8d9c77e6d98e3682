import { Writable } from 'node:stream';
import { createRootLogger, lazyChildLogger, redactUrl } from './logger';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

describe('lazyChildLogger (Fastify request logger)', () => {
  it('makes no pino child until something logs at an enabled level', () => {
    const { stream } = capture();
    const root = createRootLogger('warn', stream);
    const child = jest.spyOn(root, 'child');
    const log = lazyChildLogger(root, { reqId: 'r-1' }, {});
    log.info('below the level');
    log.debug('below the level');
    expect(child).not.toHaveBeenCalled();
    log.warn('at the level');
    log.error('again');
    expect(child).toHaveBeenCalledTimes(1);
  });

  it('writes its lines with the request bindings and redaction, like a pino child', async () => {
    const { lines, stream } = capture();
    const root = createRootLogger('info', stream);
    const log = lazyChildLogger(root, { reqId: 'r-2' }, {});
    log.info({ headers: { authorization: 'Bearer secret-token' } }, 'hello');
    log.child({ part: 'x' }).warn('nested');
    await new Promise((r) => setImmediate(r));
    expect(lines).toEqual([
      expect.objectContaining({ reqId: 'r-2', msg: 'hello', level: 'info', headers: { authorization: '[REDACTED]' } }),
      expect.objectContaining({ reqId: 'r-2', part: 'x', msg: 'nested', level: 'warn' }),
    ]);
    expect(log.isLevelEnabled('debug')).toBe(false);
    expect(log.level).toBe('info');
  });
});

describe('redactUrl', () => {
  it('hides secret query values and keeps the rest', () => {
    expect(redactUrl('/auth/me?api_key=tk_abc&x=1&token=t')).toBe('/auth/me?api_key=[REDACTED]&x=1&token=[REDACTED]');
  });

  it('compares names after percent-decoding, as the query parser does', () => {
    expect(redactUrl('/auth/me?api%5Fkey=tk_abc')).toBe('/auth/me?api%5Fkey=[REDACTED]');
    expect(redactUrl('/auth/me?%61pi_key=tk_abc&x=1')).toBe('/auth/me?%61pi_key=[REDACTED]&x=1');
    expect(redactUrl('/auth/me?API_KEY=tk_abc&%zz=1')).toBe('/auth/me?API_KEY=[REDACTED]&%zz=1');
    expect(redactUrl('/auth/me?%74oken=t#frag')).toBe('/auth/me?%74oken=[REDACTED]#frag');
  });
});
