import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource } from 'typeorm';
import { SECURITY_EVENT, SecurityEventInput, SecurityEventType } from '../audit/audit.events';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { dataSourceOptions } from '../database/data-source-options';
import { User } from '../users/entities/user.entity';
import { ServiceKey } from './entities/service-key.entity';
import { Fernet, MultiFernet } from './fernet';
import { ServiceKeysService } from './service-keys.service';

const SERVICES = ['openai', 'huggingface', 'deepl'];
/** Time stands still unless advanced. */
class FixedClock extends Clock {
  private t = Date.parse('2030-01-02T03:04:05.678Z');
  override now(): number {
    return this.t;
  }
  override advance(ms: number): void {
    this.t += ms;
  }
}

const meta = { ip: '203.0.113.9', userAgent: 'jest', requestId: 'req-1' };

describe('ServiceKeysService', () => {
  const KEY = Fernet.generateKey();
  let dataSource: DataSource;
  let clock: Clock;
  let events: { emit: jest.Mock };
  let sut: ServiceKeysService;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    dataSource = new DataSource(
      dataSourceOptions({ type: 'better-sqlite3', database: ':memory:' }, { migrationsRun: true }),
    );
    await dataSource.initialize();
    const users = dataSource.getRepository(User);
    alice = (
      await users.save({
        email: 'alice@example.com',
        username: 'alice',
        usernameCanonical: 'alice',
        hashedPassword: 'x',
      })
    ).id;
    bob = (
      await users.save({ email: 'bob@example.com', username: 'bob', usernameCanonical: 'bob', hashedPassword: 'x' })
    ).id;
  });

  afterAll(() => dataSource.destroy());

  beforeEach(async () => {
    await dataSource.getRepository(ServiceKey).clear();
    clock = new FixedClock();
    events = { emit: jest.fn() };
    const config = { serviceKeyServices: SERVICES } as AppConfig;
    sut = new ServiceKeysService(
      dataSource,
      MultiFernet.fromKeys([KEY]),
      events as unknown as EventEmitter2,
      clock,
      config,
    );
  });

  const stored = (id: string) => dataSource.getRepository(ServiceKey).findOneByOrFail({ id });
  const emitted = (): SecurityEventInput[] =>
    events.emit.mock.calls.map(([name, event]) => (expect(name).toBe(SECURITY_EVENT), event));

  it('stores the key encrypted and answers with a preview only', async () => {
    const out = await sut.create(alice, { service: 'openai', key: 'sk-proj-0123456789abcd', key_name: 'Main' }, meta);

    expect(out).toEqual({
      id: expect.any(String),
      service: 'openai',
      key_name: 'Main',
      key_preview: '…cd',
      created_at: clock.date().toISOString(),
      last_used_at: null,
    });
    expect(JSON.stringify(out)).not.toContain('0123456789');
    const row = await stored(out.id);
    expect(row.encryptedKey).not.toContain('sk-proj');
    expect(new Fernet(KEY).decrypt(row.encryptedKey).toString()).toBe('sk-proj-0123456789abcd');
    expect(emitted()).toEqual([
      {
        type: SecurityEventType.ServiceKeyCreated,
        userId: alice,
        meta,
        details: { service_key_id: out.id, service: 'openai' },
      },
    ]);
  });

  it('accepts the api_key alias and stores an empty key_name as null', async () => {
    const out = await sut.create(alice, { service: 'deepl', api_key: 'deepl-key-123456', key_name: '' }, meta);
    expect(out.key_name).toBeNull();
    expect(new Fernet(KEY).decrypt((await stored(out.id)).encryptedKey).toString()).toBe('deepl-key-123456');
  });

  it('refuses a service outside the configured list, naming the allowed ones', async () => {
    const err = await sut.create(alice, { service: 'myspace', key: 'k' }, meta).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({
      code: ErrorCode.ValidationFailed,
      detail: 'Invalid service. Must be one of: openai, huggingface, deepl',
    });
    await expect(sut.list(alice, 'myspace')).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    await expect(sut.list(alice, ['openai', 'deepl'])).rejects.toMatchObject({ code: ErrorCode.ValidationFailed });
    expect(events.emit).not.toHaveBeenCalled();
  });

  it("lists only the caller's keys, newest first, optionally by service", async () => {
    const a1 = await sut.create(alice, { service: 'openai', key: 'first-key-000001' }, meta);
    clock.advance(1000);
    const a2 = await sut.create(alice, { service: 'deepl', key: 'second-key-00002' }, meta);
    clock.advance(1000);
    const a3 = await sut.create(alice, { service: 'openai', key: 'third-key-000003' }, meta);
    await sut.create(bob, { service: 'openai', key: 'bobs-key-0000004' }, meta);

    expect((await sut.list(alice)).map((k) => k.id)).toEqual([a3.id, a2.id, a1.id]);
    expect((await sut.list(alice, 'OpenAI')).map((k) => k.id)).toEqual([a3.id, a1.id]);
    expect(await sut.list(alice, 'huggingface')).toEqual([]);
  });

  it("answers someone else's key exactly like a missing one", async () => {
    const bobs = await sut.create(bob, { service: 'openai', key: 'bobs-key-0000004' }, meta);
    events.emit.mockClear();
    for (const call of [
      () => sut.get(alice, bobs.id),
      () => sut.reveal(alice, bobs.id, meta),
      () => sut.remove(alice, bobs.id, meta),
    ])
      await expect(call()).rejects.toMatchObject({ code: ErrorCode.NotFound, detail: 'Service key not found' });
    expect(await sut.get(bob, bobs.id)).toEqual(bobs);
    expect(events.emit).not.toHaveBeenCalled();
  });

  it('reveals to the owner, marks the key used and audits without the plaintext', async () => {
    const created = await sut.create(alice, { service: 'openai', key: 'sk-reveal-me-9876' }, meta);
    events.emit.mockClear();
    clock.advance(60_000);

    expect(await sut.reveal(alice, created.id, meta)).toEqual({
      id: created.id,
      service: 'openai',
      key: 'sk-reveal-me-9876',
    });
    expect((await sut.get(alice, created.id)).last_used_at).toBe(clock.date().toISOString());
    expect(emitted()).toEqual([
      {
        type: SecurityEventType.ServiceKeyRevealed,
        userId: alice,
        meta,
        details: { service_key_id: created.id, service: 'openai' },
      },
    ]);
    expect(JSON.stringify(events.emit.mock.calls)).not.toContain('reveal-me');
  });

  it('deletes and audits', async () => {
    const created = await sut.create(alice, { service: 'openai', key: 'sk-delete-me-1234' }, meta);
    events.emit.mockClear();
    await sut.remove(alice, created.id, meta);
    await expect(sut.get(alice, created.id)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    await expect(sut.remove(alice, created.id, meta)).rejects.toMatchObject({ code: ErrorCode.NotFound });
    expect(emitted()).toEqual([
      {
        type: SecurityEventType.ServiceKeyDeleted,
        userId: alice,
        meta,
        details: { service_key_id: created.id, service: 'openai' },
      },
    ]);
  });

  it('computes the preview of imported rows that have none, and shows null for undecryptable ones', async () => {
    const repo = dataSource.getRepository(ServiceKey);
    const imported = await repo.save({
      userId: alice,
      service: 'openai',
      encryptedKey: new Fernet(KEY).encrypt('sk-imported-key-wxyz'),
      keyName: null,
      keyPreview: null,
      lastUsedAt: null,
    });
    const foreign = await repo.save({
      userId: alice,
      service: 'openai',
      encryptedKey: new Fernet(Fernet.generateKey()).encrypt('sk-foreign-000000'),
      keyName: null,
      keyPreview: null,
      lastUsedAt: null,
    });

    expect((await sut.get(alice, imported.id)).key_preview).toBe('…yz');
    expect((await sut.get(alice, foreign.id)).key_preview).toBeNull();
    await expect(sut.reveal(alice, foreign.id, meta)).rejects.toMatchObject({
      code: ErrorCode.Internal,
      detail: expect.stringMatching(/cannot be decrypted/),
    });
    expect((await stored(foreign.id)).lastUsedAt).toBeNull();
  });
});
