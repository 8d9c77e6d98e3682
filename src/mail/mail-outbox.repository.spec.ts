import { DataSource } from 'typeorm';
import { MailOutboxAndEmailTokens1796600000000 } from '../../migrations/1796600000000-MailOutboxAndEmailTokens';
import { atomically } from '../database/atomic-writes';
import { MailKind, MailStatus } from './mail.enums';
import { enqueueMail, MailOutboxRepository } from './mail-outbox.repository';

describe('MailOutboxRepository', () => {
  let dataSource: DataSource;
  let sut: MailOutboxRepository;
  const t0 = new Date('2026-01-01T00:00:00Z');
  const at = (s: number) => new Date(t0.getTime() + s * 1000);

  beforeEach(async () => {
    dataSource = await new DataSource({ type: 'better-sqlite3', database: ':memory:' }).initialize();
    const runner = dataSource.createQueryRunner();
    await new MailOutboxAndEmailTokens1796600000000().up(runner);
    await runner.release();
    sut = new MailOutboxRepository(dataSource);
  });
  afterEach(() => dataSource.destroy());

  const queue = () =>
    atomically(dataSource, (unit) =>
      enqueueMail(unit, { kind: MailKind.PasswordChanged, userId: null, to: 'a@example.com', params: { x: 1 } }, t0),
    );

  it('one claim wins; the loser sees nothing; a lease that ran out can be claimed again', async () => {
    const id = await queue();
    expect(await sut.due(t0, 10)).toEqual([id]);
    const first = await sut.claim(id, 'claim-1', t0, at(120));
    expect(first).toMatchObject({ id, kind: MailKind.PasswordChanged, params: { x: 1 }, attempts: 1 });
    expect(await sut.claim(id, 'claim-2', at(60), at(180))).toBeNull();
    expect(await sut.due(at(60), 10)).toEqual([]);
    const again = await sut.claim(id, 'claim-3', at(121), at(241));
    expect(again?.attempts).toBe(2);
    // The first claim lost its lease: it cannot record an outcome any more.
    expect(await sut.settle(id, 'claim-1', { status: MailStatus.Sent, at: at(122) })).toBe(false);
    expect(await sut.settle(id, 'claim-3', { status: MailStatus.Sent, at: at(122) })).toBe(true);
    expect(await sut.due(at(9999), 10)).toEqual([]);
  });

  it('a retry waits for its time, and keeps the error', async () => {
    const id = await queue();
    await sut.claim(id, 'c', t0, at(120));
    expect(await sut.settle(id, 'c', { status: MailStatus.Pending, retryAt: at(30), error: 'ECONNREFUSED' })).toBe(
      true,
    );
    expect(await sut.due(at(29), 10)).toEqual([]);
    expect(await sut.due(at(30), 10)).toEqual([id]);
    const [row] = await dataSource.query('SELECT status, last_error, claim_id FROM mail_outbox');
    expect(row).toEqual({ status: 'pending', last_error: 'ECONNREFUSED', claim_id: null });
  });
});
