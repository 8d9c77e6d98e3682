import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { dataSourceOptions } from '../database/data-source-options';
import { SecurityEventInput, SecurityEventType } from './audit.events';
import { SecurityEvent } from './entities/security-event.entity';
import { AUDIT_BATCH_SIZE, AUDIT_FLUSH_DELAY_MS, SecurityEventWriter } from './security-event-writer.service';

const USER = '3f1c2a9e-0000-4000-8000-000000000001';
const event = (over: Partial<SecurityEventInput> = {}): SecurityEventInput => ({
  type: SecurityEventType.PasswordChanged,
  userId: USER,
  meta: { ip: '203.0.113.9', userAgent: 'jest', requestId: 'req-1' },
  details: { n: 1 },
  ...over,
});

describe('SecurityEventWriter', () => {
  let dataSource: DataSource;
  let sut: SecurityEventWriter;
  let logs: { level: string; line: unknown }[];
  const rows = () => dataSource.getRepository(SecurityEvent).find({ order: { createdAt: 'ASC' } });
  const inserts = () => jest.spyOn(sut as unknown as { insert: (rows: SecurityEvent[]) => Promise<void> }, 'insert');

  beforeAll(async () => {
    dataSource = new DataSource(
      dataSourceOptions({ type: 'better-sqlite3', database: ':memory:' }, { migrationsRun: true }),
    );
    await dataSource.initialize();
  });
  afterAll(() => dataSource.destroy());

  beforeEach(async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    await dataSource.getRepository(SecurityEvent).clear();
    sut = new SecurityEventWriter(dataSource, new Clock());
    logs = [];
    for (const level of ['log', 'warn', 'error'] as const)
      jest
        .spyOn(Logger.prototype, level)
        .mockImplementation((...args: unknown[]) => void logs.push({ level, line: args[0] }));
  });
  afterEach(async () => {
    await sut.onApplicationShutdown();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('queues without touching the database, then writes after the flush delay', async () => {
    const insert = inserts();
    sut.record(event());
    sut.record(event({ type: SecurityEventType.Logout }));
    expect(insert).not.toHaveBeenCalled();
    expect(sut.pending()).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(AUDIT_FLUSH_DELAY_MS - 1);
    expect(await rows()).toHaveLength(0);
    expect(insert).not.toHaveBeenCalled();
    await jest.advanceTimersByTimeAsync(1);
    expect(insert).toHaveBeenCalledTimes(1); // the timer wrote both in one INSERT
    await sut.flush(); // waits for that write to finish; nothing left to write
    expect(insert).toHaveBeenCalledTimes(1);
    expect((await rows()).map((r) => r.type).sort()).toEqual(['logout', 'password_changed']);
    expect(sut.pending()).toHaveLength(0);
  });

  it('fills the row: info by default, actor = user, meta, clock time; keeps an emitter-set severity', async () => {
    const clock = new Clock();
    clock.advance(-3_600_000);
    sut = new SecurityEventWriter(dataSource, clock);
    sut.record(event());
    sut.record(event({ type: SecurityEventType.RefreshTokenReuse, severity: 'critical', actorId: null }));
    await sut.flush();
    const [a, b] = await rows();
    expect(a).toMatchObject({
      severity: 'info',
      userId: USER,
      actorId: USER,
      ipAddress: '203.0.113.9',
      userAgent: 'jest',
      requestId: 'req-1',
      details: { n: 1 },
    });
    expect(Math.abs(a.createdAt.getTime() - (Date.now() - 3_600_000))).toBeLessThan(5_000);
    expect(b).toMatchObject({ type: 'refresh_token_reuse', severity: 'critical', actorId: null });
  });

  it('writes at once when a batch is full, in batches of at most 100', async () => {
    const insert = inserts();
    for (let i = 0; i < AUDIT_BATCH_SIZE * 2 + 5; i++) sut.record(event({ details: { i } }));
    await jest.advanceTimersByTimeAsync(0);
    await sut.flush();
    expect(insert).toHaveBeenCalledTimes(3);
    expect(await dataSource.getRepository(SecurityEvent).count()).toBe(AUDIT_BATCH_SIZE * 2 + 5);
  });

  it('logs every event with context Audit, level by severity, secrets removed from details', async () => {
    sut.record(event({ details: { password: 'hunter2', api_key_prefix: 'tk_abc' } }));
    sut.record(event({ type: SecurityEventType.SuspiciousLogin, severity: 'warning' }));
    sut.record(event({ type: SecurityEventType.RefreshTokenReuse, severity: 'critical' }));
    expect(logs.map((l) => l.level)).toEqual(['log', 'warn', 'error']);
    expect(logs[0].line).toMatchObject({
      msg: 'security event',
      type: 'password_changed',
      severity: 'info',
      user_id: USER,
      ip: '203.0.113.9',
      request_id: 'req-1',
      details: { password: '[REDACTED]', api_key_prefix: 'tk_abc' },
    });
    expect(JSON.stringify(logs)).not.toContain('hunter2');
  });

  it('never throws into the emitter, whatever it is given', () => {
    expect(() => sut.record(undefined as unknown as SecurityEventInput)).not.toThrow();
    expect(() => sut.record(event({ userId: 'not-a-uuid', meta: { ip: 42 as unknown as string } }))).not.toThrow();
  });

  it('keeps events and retries when the database refuses, losing nothing', async () => {
    const execute = jest.fn().mockRejectedValue(new Error('connection refused'));
    const real = dataSource.createQueryBuilder.bind(dataSource);
    const spy = jest
      .spyOn(dataSource, 'createQueryBuilder')
      .mockImplementation(
        () =>
          ({ insert: () => ({ into: () => ({ values: () => ({ updateEntity: () => ({ execute }) }) }) }) }) as never,
      );
    sut.record(event());
    await jest.advanceTimersByTimeAsync(AUDIT_FLUSH_DELAY_MS);
    await expect(sut.flush()).rejects.toThrow('connection refused');
    expect(sut.pending()).toHaveLength(1);
    expect(logs.some((l) => l.level === 'warn' && JSON.stringify(l.line).includes('will retry'))).toBe(true);
    spy.mockImplementation(real);
    await jest.advanceTimersByTimeAsync(5_000); // the retry timer
    await sut.flush();
    expect(await rows()).toHaveLength(1);
    expect(sut.pending()).toHaveLength(0);
  });

  it('drops only a row the database keeps refusing while it answers (after 3 tries), not the batch', async () => {
    sut.record(event({ details: { good: 1 } }));
    sut.record(event({ type: 'x'.repeat(64) as SecurityEventType }));
    const real = dataSource.createQueryBuilder.bind(dataSource);
    const spy = jest.spyOn(dataSource, 'createQueryBuilder').mockImplementation((() => {
      const qb = real();
      return {
        insert: () => ({
          into: () => ({
            values: (vals: SecurityEvent[]) => ({
              updateEntity: () => ({
                execute: () =>
                  vals.some((v) => v.type.startsWith('xxx'))
                    ? Promise.reject(new Error('value too long'))
                    : qb.insert().into(SecurityEvent).values(vals).execute(),
              }),
            }),
          }),
        }),
      };
    }) as never);
    for (let i = 0; i < 2; i++) await expect(sut.flush()).rejects.toThrow('value too long');
    await sut.flush();
    spy.mockRestore();
    expect((await rows()).map((r) => r.details)).toEqual([{ good: 1 }]);
    expect(sut.pending()).toHaveLength(0);
    expect(logs.some((l) => l.level === 'error' && JSON.stringify(l.line).includes('dropped'))).toBe(true);
  });

  it('flushes what is queued on shutdown', async () => {
    sut.record(event());
    await sut.onApplicationShutdown();
    expect(await rows()).toHaveLength(1);
  });
});
