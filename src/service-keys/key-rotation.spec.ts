import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../database/data-source-options';
import { User } from '../users/entities/user.entity';
import { ServiceKey } from './entities/service-key.entity';
import { Fernet, InvalidToken, MultiFernet } from './fernet';
import { rotateEncryptionKeys } from './key-rotation';

describe('rotateEncryptionKeys', () => {
  const OLD = Fernet.generateKey();
  const NEW = Fernet.generateKey();
  const STRAY = Fernet.generateKey();
  let dataSource: DataSource;
  let userId: string;
  /** id → plaintext of every row the rotation must keep readable. */
  let plaintexts: Map<string, string>;
  let strayId: string;

  beforeEach(async () => {
    dataSource = new DataSource(
      dataSourceOptions({ type: 'better-sqlite3', database: ':memory:' }, { migrationsRun: true }),
    );
    await dataSource.initialize();
    const user = await dataSource.getRepository(User).save({
      email: 'rotator@example.com',
      username: 'rotator',
      usernameCanonical: 'rotator',
      hashedPassword: '$2b$04$x',
    });
    userId = user.id;
    plaintexts = new Map();
    const repo = dataSource.getRepository(ServiceKey);
    const insert = async (key: string, plaintext: string) => {
      const row = await repo.save({
        userId,
        service: 'openai',
        encryptedKey: new Fernet(key).encrypt(plaintext),
        keyName: null,
        keyPreview: null,
        lastUsedAt: null,
      });
      return row.id;
    };
    for (let i = 0; i < 25; i++) {
      const [key, text] = i < 23 ? [OLD, `sk-old-${i}-${randomUUID()}`] : [NEW, `sk-new-${i}`];
      plaintexts.set(await insert(key, text), text);
    }
    strayId = await insert(STRAY, 'made with a key nobody configured');
  });

  afterEach(async () => {
    await dataSource.destroy();
  });

  async function stored(): Promise<Map<string, string>> {
    const rows = await dataSource.getRepository(ServiceKey).find();
    return new Map(rows.map((r) => [r.id, r.encryptedKey]));
  }

  function readableWith(keys: string[], tokens: Map<string, string>): Map<string, string> {
    const cipher = MultiFernet.fromKeys(keys);
    const out = new Map<string, string>();
    for (const id of plaintexts.keys()) out.set(id, cipher.decrypt(tokens.get(id)!).toString());
    return out;
  }

  it('before rotation the old values need the old key', async () => {
    const tokens = await stored();
    expect(readableWith([NEW, OLD], tokens)).toEqual(plaintexts);
    expect(() => readableWith([NEW], tokens)).toThrow(InvalidToken);
  });

  it('re-encrypts everything with the first key, in batches, reporting progress', async () => {
    const before = await stored();
    const progress: [number, number][] = [];

    const result = await rotateEncryptionKeys(dataSource, [NEW, OLD], {
      batchSize: 10,
      onProgress: (d, t) => void progress.push([d, t]),
    });

    expect(result).toEqual({ total: 26, rotated: 23, alreadyCurrent: 2, undecryptable: [strayId] });
    expect(progress).toEqual([
      [10, 26],
      [20, 26],
      [26, 26],
    ]);
    const after = await stored();
    expect(readableWith([NEW], after)).toEqual(plaintexts);
    expect(after.get(strayId)).toBe(before.get(strayId));
    // Token timestamps survive rotation.
    for (const [id, token] of after)
      if (id !== strayId && plaintexts.get(id)!.startsWith('sk-old'))
        expect(new Fernet(NEW).extractTimestamp(token)).toBe(new Fernet(OLD).extractTimestamp(before.get(id)!));
  });

  it('an interrupted run loses nothing and a second run finishes the job', async () => {
    const killAfterFirstBatch = () => {
      throw new Error('killed');
    };
    await expect(
      rotateEncryptionKeys(dataSource, [NEW, OLD], { batchSize: 10, onProgress: killAfterFirstBatch }),
    ).rejects.toThrow('killed');

    const halfway = await stored();
    expect(readableWith([NEW, OLD], halfway)).toEqual(plaintexts);
    const current = [...plaintexts.keys()].filter((id) => MultiFernet.fromKeys([NEW]).isCurrent(halfway.get(id)!));
    expect(current.length).toBeGreaterThan(2); // the first batch was committed…
    expect(current.length).toBeLessThan(25); // …and the rest was not

    const result = await rotateEncryptionKeys(dataSource, [NEW, OLD], { batchSize: 10 });
    expect(result.rotated).toBe(25 - current.length);
    expect(result.alreadyCurrent).toBe(current.length);
    expect(readableWith([NEW], await stored())).toEqual(plaintexts);

    const again = await rotateEncryptionKeys(dataSource, [NEW, OLD], { batchSize: 7 });
    expect(again).toEqual({ total: 26, rotated: 0, alreadyCurrent: 25, undecryptable: [strayId] });
  });

  it('leaves a row alone when it changed between read and write', async () => {
    const repo = dataSource.getRepository(ServiceKey);
    const [victim] = [...plaintexts]
      .filter(([, text]) => text.startsWith('sk-old'))
      .map(([id]) => id)
      .sort();
    const replaced = new Fernet(OLD).encrypt('replaced meanwhile');
    // The batch is read, then, before its transaction, another writer replaces one of its rows.
    const transaction = dataSource.transaction.bind(dataSource) as (...a: unknown[]) => Promise<unknown>;
    jest.spyOn(dataSource, 'transaction').mockImplementationOnce(async (...args: unknown[]) => {
      await repo.update({ id: victim }, { encryptedKey: replaced });
      return transaction(...args);
    });

    const result = await rotateEncryptionKeys(dataSource, [NEW, OLD], { batchSize: 100 });

    expect(result.rotated).toBe(22);
    expect((await repo.findOneByOrFail({ id: victim })).encryptedKey).toBe(replaced);
  });

  it('refuses a nonsensical batch size or no keys', async () => {
    await expect(rotateEncryptionKeys(dataSource, [NEW], { batchSize: 0 })).rejects.toThrow(/batchSize/);
    await expect(rotateEncryptionKeys(dataSource, [])).rejects.toThrow(/at least one/);
  });
});
