import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock';
import { dataSourceOptions } from '../database/data-source-options';
import { SecurityEventType } from './audit.events';
import { LoginHistory } from './entities/login-history.entity';
import { SecurityEvent } from './entities/security-event.entity';
import { SecurityEventWriter } from './security-event-writer.service';
import {
  FAILURE_WINDOW_MS,
  REUSE_WINDOW_MS,
  suspicionReasons,
  SuspiciousLoginService,
} from './suspicious-login.service';

describe('suspicionReasons (the §8 rule)', () => {
  it.each`
    ipKnown  | recentFailures | reuse    | expected
    ${true}  | ${0}           | ${false} | ${[]}
    ${false} | ${0}           | ${false} | ${[]}
    ${false} | ${2}           | ${false} | ${[]}
    ${true}  | ${3}           | ${false} | ${[]}
    ${true}  | ${10}          | ${false} | ${[]}
    ${false} | ${3}           | ${false} | ${['new_ip_after_failures']}
    ${false} | ${7}           | ${false} | ${['new_ip_after_failures']}
    ${true}  | ${0}           | ${true}  | ${['after_refresh_token_reuse']}
    ${false} | ${4}           | ${true}  | ${['new_ip_after_failures', 'after_refresh_token_reuse']}
  `(
    'ipKnown=$ipKnown failures=$recentFailures reuse=$reuse → $expected',
    ({ ipKnown, recentFailures, reuse, expected }) => {
      expect(suspicionReasons({ ipKnown, recentFailures, reuseSinceLastSuccess: reuse })).toEqual(expected);
    },
  );
});

describe('SuspiciousLoginService', () => {
  const NOW = new Date('2030-01-02T03:04:05.678Z');
  const ago = (ms: number) => new Date(NOW.getTime() - ms);
  let dataSource: DataSource;
  let writer: SecurityEventWriter;
  let sut: SuspiciousLoginService;
  let user: string;

  const attempt = (success: boolean, at: Date, ip = '198.51.100.1', userId = user) =>
    dataSource.getRepository(LoginHistory).insert({
      id: randomUUID(),
      userId,
      usernameAttempted: 'alice',
      loginAt: at,
      loginMethod: 'password',
      success,
      failureReason: success ? null : 'bad_password',
      ipAddress: ip,
      suspicious: false,
    });
  const reuse = (at: Date, userId = user) =>
    dataSource.getRepository(SecurityEvent).insert({
      id: randomUUID(),
      type: SecurityEventType.RefreshTokenReuse,
      severity: 'critical',
      userId,
      actorId: userId,
      createdAt: at,
    });

  beforeAll(async () => {
    dataSource = new DataSource(
      dataSourceOptions({ type: 'better-sqlite3', database: ':memory:' }, { migrationsRun: true }),
    );
    await dataSource.initialize();
  });
  afterAll(() => dataSource.destroy());

  beforeEach(async () => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await dataSource.getRepository(LoginHistory).clear();
    await dataSource.getRepository(SecurityEvent).clear();
    const clock = new Clock();
    clock.advance(NOW.getTime() - Date.now()); // this clock reads NOW (give or take the test's own run time)
    writer = new SecurityEventWriter(dataSource, clock);
    sut = new SuspiciousLoginService(dataSource, writer);
    user = randomUUID();
    await attempt(true, ago(7 * 86_400_000), '198.51.100.1'); // the user's usual place
  });
  afterEach(async () => {
    await writer.onApplicationShutdown();
    jest.restoreAllMocks();
  });

  it('3 failures in the last hour, then success from a new IP → suspicious', async () => {
    for (let i = 0; i < 3; i++) await attempt(false, ago(10 * 60_000), '203.0.113.9');
    expect(await sut.evaluate(user, '203.0.113.9', NOW)).toEqual(['new_ip_after_failures']);
  });

  it('the same from a known IP → not suspicious', async () => {
    for (let i = 0; i < 5; i++) await attempt(false, ago(60_000), '203.0.113.9');
    expect(await sut.evaluate(user, '198.51.100.1', NOW)).toEqual([]);
  });

  it('a new IP with only 2 recent failures → not suspicious', async () => {
    for (let i = 0; i < 2; i++) await attempt(false, ago(60_000));
    expect(await sut.evaluate(user, '203.0.113.9', NOW)).toEqual([]);
  });

  it('failures older than an hour do not count', async () => {
    for (let i = 0; i < 3; i++) await attempt(false, ago(FAILURE_WINDOW_MS + 1000));
    await attempt(false, ago(1000));
    expect(await sut.evaluate(user, '203.0.113.9', NOW)).toEqual([]);
  });

  it("other users' failures do not count, and an IP known only from failures is still new", async () => {
    for (let i = 0; i < 3; i++) await attempt(false, ago(60_000), '203.0.113.9', randomUUID());
    expect(await sut.evaluate(user, '203.0.113.9', NOW)).toEqual([]);
    for (let i = 0; i < 3; i++) await attempt(false, ago(60_000), '203.0.113.9');
    expect(await sut.evaluate(user, '203.0.113.9', NOW)).toEqual(['new_ip_after_failures']);
  });

  it('an unknown client address counts as new', async () => {
    for (let i = 0; i < 3; i++) await attempt(false, ago(60_000));
    expect(await sut.evaluate(user, null, NOW)).toEqual(['new_ip_after_failures']);
  });

  it('the first success after a refresh-token reuse (within 24 h) → suspicious; the one after it → not', async () => {
    await reuse(ago(60 * 60_000));
    expect(await sut.evaluate(user, '198.51.100.1', NOW)).toEqual(['after_refresh_token_reuse']);
    await attempt(true, ago(30 * 60_000));
    expect(await sut.evaluate(user, '198.51.100.1', NOW)).toEqual([]);
  });

  it('a reuse older than 24 h, or of another user, does not count', async () => {
    await reuse(ago(REUSE_WINDOW_MS + 1000));
    await reuse(ago(1000), randomUUID());
    expect(await sut.evaluate(user, '198.51.100.1', NOW)).toEqual([]);
  });

  it('sees a reuse event still waiting in the write buffer', async () => {
    writer.record({ type: SecurityEventType.RefreshTokenReuse, severity: 'critical', userId: user });
    expect(await dataSource.getRepository(SecurityEvent).count()).toBe(0);
    expect(await sut.evaluate(user, '198.51.100.1', new Date(NOW.getTime() + 60_000))).toEqual([
      'after_refresh_token_reuse',
    ]);
    expect(writer.pending()).toHaveLength(1); // answered from the buffer, not the table
  });
});
