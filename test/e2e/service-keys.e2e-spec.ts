import { EventEmitter2 } from '@nestjs/event-emitter';
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SECURITY_EVENT, SecurityEventType } from '../../src/audit/audit.events';
import { ServiceKey } from '../../src/service-keys/entities/service-key.entity';
import { rotateEncryptionKeys } from '../../src/service-keys/key-rotation';
import { createTestApp, TestApp } from '../app.factory';
import { createUser, TestUser } from '../factories/user.factory';

// An independent Fernet, written from the specification with plain node:crypto (not src/service-keys/fernet.ts).
const independent = {
  keys(key: string) {
    const raw = Buffer.from(key, 'base64url');
    expect(raw).toHaveLength(32);
    return { signing: raw.subarray(0, 16), encryption: raw.subarray(16) };
  },
  encrypt(key: string, plaintext: string, time = Math.floor(Date.now() / 1000), iv = randomBytes(16)): string {
    const { signing, encryption } = independent.keys(key);
    const cipher = createCipheriv('aes-128-cbc', encryption, iv);
    const header = Buffer.alloc(9);
    header[0] = 0x80;
    header.writeBigUInt64BE(BigInt(time), 1);
    const body = Buffer.concat([header, iv, cipher.update(plaintext, 'utf8'), cipher.final()]);
    const token = Buffer.concat([body, createHmac('sha256', signing).update(body).digest()]);
    return token.toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
  },
  decrypt(key: string, token: string): string {
    const { signing, encryption } = independent.keys(key);
    expect(token).toMatch(/^[A-Za-z0-9_-]+={0,2}$/);
    expect(token.length % 4).toBe(0);
    const data = Buffer.from(token.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    expect(data[0]).toBe(0x80);
    const mac = createHmac('sha256', signing).update(data.subarray(0, -32)).digest();
    if (!timingSafeEqual(mac, data.subarray(-32))) throw new Error('HMAC mismatch');
    const decipher = createDecipheriv('aes-128-cbc', encryption, data.subarray(9, 25));
    return Buffer.concat([decipher.update(data.subarray(25, -32)), decipher.final()]).toString('utf8');
  },
};

describe('Service keys (/api-keys/)', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let emitted: { type: string; userId?: string | null; details?: Record<string, unknown> }[];
  /** Every plaintext key sent in this suite. */
  const plaintexts = new Set<string>();

  beforeAll(async () => {
    t = await createTestApp();
    alice = await createUser(t);
    bob = await createUser(t);
    const events = t.app.get(EventEmitter2);
    const emit = events.emit.bind(events);
    jest.spyOn(events, 'emit').mockImplementation((name: string | symbol | (string | symbol)[], ...args: unknown[]) => {
      if (name === SECURITY_EVENT) emitted.push(args[0] as (typeof emitted)[number]);
      return emit(name, ...args);
    });
  });

  afterAll(async () => {
    await t?.close();
    // Plaintext keys never reach the logs.
    const logs = readFileSync(t.logFile, 'utf8');
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of plaintexts) expect(logs).not.toContain(secret);
  });

  beforeEach(() => {
    emitted = [];
  });

  const encryptionKey = () => t.config.encryptionKeys[0];
  const storedToken = async (id: string) =>
    (await t.dataSource.getRepository(ServiceKey).findOneByOrFail({ id })).encryptedKey;
  const createKey = async (user: TestUser, body: { key?: string; api_key?: string; [field: string]: unknown }) => {
    for (const k of [body.key, body.api_key]) if (k) plaintexts.add(k);
    const res = await t.http.post('/api-keys/').set(user.auth).send(body);
    expect(res.status).toBe(201);
    return res.body as {
      id: string;
      service: string;
      key_name: string | null;
      key_preview: string | null;
      created_at: string;
      last_used_at: string | null;
    };
  };

  it('the independent Fernet reproduces the specification vector (so it is a fair judge)', () => {
    const [v] = JSON.parse(readFileSync(resolve(__dirname, '../fixtures/fernet/generate.json'), 'utf8'));
    expect(independent.encrypt(v.secret, v.src, Math.floor(Date.parse(v.now) / 1000), Buffer.from(v.iv))).toBe(v.token);
    expect(independent.decrypt(v.secret, v.token)).toBe(v.src);
  });

  it('stores what the API receives as a Fernet token an independent implementation decrypts', async () => {
    const plaintext = `sk-proj-${randomBytes(24).toString('hex')}abcd`;
    plaintexts.add(plaintext);
    const res = await t.http
      .post('/api-keys/')
      .set(alice.auth)
      .send({ service: 'openai', key: plaintext, key_name: 'Main OpenAI' });

    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      service: 'openai',
      key_name: 'Main OpenAI',
      key_preview: '…abcd',
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      last_used_at: null,
    });
    expect(res.text).not.toContain(plaintext.slice(8, 40));
    const token = await storedToken(res.body.id);
    expect(token).not.toContain(plaintext);
    expect(independent.decrypt(encryptionKey(), token)).toBe(plaintext);
    expect(emitted).toEqual([
      expect.objectContaining({
        type: SecurityEventType.ServiceKeyCreated,
        userId: alice.id,
        details: { service_key_id: res.body.id, service: 'openai' },
      }),
    ]);
  });

  it('reveals a token made independently and inserted into the table (a seed 000 import: no preview)', async () => {
    const plaintext = `hf_Imported${randomBytes(12).toString('hex')}Wxyz`;
    plaintexts.add(plaintext);
    const row = await t.dataSource.getRepository(ServiceKey).save({
      userId: alice.id,
      service: 'huggingface',
      encryptedKey: independent.encrypt(encryptionKey(), plaintext),
      keyName: 'imported',
      keyPreview: null,
      lastUsedAt: null,
    });

    const got = await t.http.get(`/api-keys/${row.id}`).set(alice.auth);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: row.id,
      service: 'huggingface',
      key_name: 'imported',
      key_preview: '…Wxyz',
      last_used_at: null,
    });

    const revealed = await t.http.post(`/api-keys/${row.id}/reveal`).set(alice.auth);
    expect(revealed.status).toBe(200);
    expect(revealed.headers['cache-control']).toBe('no-store');
    expect(revealed.body).toEqual({ id: row.id, service: 'huggingface', key: plaintext });
    expect(emitted).toEqual([
      expect.objectContaining({
        type: SecurityEventType.ServiceKeyRevealed,
        userId: alice.id,
        details: { service_key_id: row.id, service: 'huggingface' },
      }),
    ]);
    expect(JSON.stringify(emitted)).not.toContain(plaintext);

    const after = await t.http.get(`/api-keys/${row.id}`).set(alice.auth);
    expect(Math.abs(Date.parse(after.body.last_used_at) - t.clock.now())).toBeLessThan(5000);
  });

  it("lists the caller's keys newest first, filtered by service, at /api and with or without a trailing slash", async () => {
    const user = await createUser(t);
    const first = await createKey(user, { service: 'deepl', key: 'deepl-key-number-1' });
    t.clock.advance(1000);
    const second = await createKey(user, { service: 'openai', key: 'sk-openai-number-2' });
    t.clock.advance(1000);
    const third = await createKey(user, { service: 'deepl', key: 'deepl-key-number-3' });
    await createKey(bob, { service: 'deepl', key: 'bobs-deepl-key-4444' });

    for (const path of ['/api-keys/', '/api-keys', '/api/api-keys/', '/api/api-keys']) {
      const res = await t.http.get(path).set(user.auth);
      expect(res.status).toBe(200);
      expect(res.body.map((k: { id: string }) => k.id)).toEqual([third.id, second.id, first.id]);
    }
    const deepl = await t.http.get('/api-keys/').query({ service: 'deepl' }).set(user.auth);
    expect(deepl.body.map((k: { id: string }) => k.id)).toEqual([third.id, first.id]);
    expect((await t.http.get('/api-keys/?service=').set(user.auth)).body).toHaveLength(3);
    // The personal API key authenticates as the same user.
    const viaApiKey = await t.http.get('/api-keys/?service=openai').set('X-API-Key', user.apiKey);
    expect(viaApiKey.status).toBe(200);
    expect(viaApiKey.body.map((k: { id: string }) => k.id)).toEqual([second.id]);
    expect((await t.http.get('/api-keys/?service=anthropic').set(user.auth)).body).toEqual([]);
    const bad = await t.http.get('/api-keys/?service=myspace').set(user.auth);
    expect(bad.status).toBe(422);
    expect(bad.body.detail).toMatch(/^Invalid service\. Must be one of: /);
  });

  it('deletes: 204, then gone (404 on every route)', async () => {
    const key = await createKey(alice, { service: 'anthropic', key: 'sk-ant-delete-me-0000' });
    emitted = [];
    const del = await t.http.delete(`/api-keys/${key.id}`).set(alice.auth);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    expect(emitted).toEqual([
      expect.objectContaining({
        type: SecurityEventType.ServiceKeyDeleted,
        userId: alice.id,
        details: { service_key_id: key.id, service: 'anthropic' },
      }),
    ]);
    expect((await t.http.get(`/api-keys/${key.id}`).set(alice.auth)).status).toBe(404);
    expect((await t.http.delete(`/api-keys/${key.id}`).set(alice.auth)).status).toBe(404);
    expect((await t.http.post(`/api-keys/${key.id}/reveal`).set(alice.auth)).status).toBe(404);
    expect(await t.dataSource.getRepository(ServiceKey).findOneBy({ id: key.id })).toBeNull();
  });

  it('answers 401 without credentials on every route, before looking at the body', async () => {
    const id = (await createKey(alice, { service: 'openai', key: 'sk-unauthenticated-0' })).id;
    const calls = [
      t.http.post('/api-keys/').send({ service: 'nope' }),
      t.http.get('/api-keys/'),
      t.http.get(`/api-keys/${id}`),
      t.http.delete(`/api-keys/${id}`),
      t.http.post(`/api-keys/${id}/reveal`),
      t.http.get('/api-keys/not-a-uuid'),
    ];
    for (const res of await Promise.all(calls)) {
      expect(res.status).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    const badToken = await t.http.get('/api-keys/').set({ Authorization: 'Bearer not-a-token' });
    expect(badToken.status).toBe(401);
    expect(await storedToken(id)).toBeTruthy();
  });

  it("answers someone else's key exactly like a missing one (404) and leaves it alone", async () => {
    const bobs = await createKey(bob, { service: 'openai', key: 'sk-bob-private-key-9999' });
    const missing = '00000000-0000-4000-8000-000000000000';
    const before = await storedToken(bobs.id);
    emitted = [];
    for (const id of [bobs.id, missing]) {
      const responses = [
        await t.http.get(`/api-keys/${id}`).set(alice.auth),
        await t.http.delete(`/api-keys/${id}`).set(alice.auth),
        await t.http.post(`/api-keys/${id}/reveal`).set(alice.auth),
      ];
      for (const res of responses) {
        expect(res.status).toBe(404);
        expect(res.body).toMatchObject({ status: 404, code: 'NOT_FOUND', detail: 'Service key not found' });
        expect(res.text).not.toContain('sk-bob');
      }
    }
    expect((await t.http.get('/api-keys/').set(alice.auth)).body.map((k: { id: string }) => k.id)).not.toContain(
      bobs.id,
    );
    expect(await storedToken(bobs.id)).toBe(before);
    const still = await t.http.get(`/api-keys/${bobs.id}`).set(bob.auth);
    expect(still.status).toBe(200);
    expect(still.body.last_used_at).toBeNull();
    expect(emitted).toEqual([]);
  });

  it('answers 404 for a malformed id', async () => {
    for (const id of ['not-a-uuid', '123', '00000000-0000-4000-8000-00000000000g', "1' OR '1'='1"]) {
      const path = `/api-keys/${encodeURIComponent(id)}`;
      expect((await t.http.get(path).set(alice.auth)).status).toBe(404);
      expect((await t.http.delete(path).set(alice.auth)).status).toBe(404);
      expect((await t.http.post(`${path}/reveal`).set(alice.auth)).status).toBe(404);
    }
  });

  it('accepts an id in upper case', async () => {
    const key = await createKey(alice, { service: 'openai', key: 'sk-upper-case-id-1234' });
    const res = await t.http.get(`/api-keys/${key.id.toUpperCase()}`).set(alice.auth);
    expect(res.status).toBe(200);
    expect(res.body.id).toBe(key.id);
  });

  it('refuses an unknown service with 422 naming the allowed ones', async () => {
    const res = await t.http.post('/api-keys/').set(alice.auth).send({ service: 'myspace', key: 'k-123456789' });
    expect(res.status).toBe(422);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body.detail).toBe(`Invalid service. Must be one of: ${t.config.serviceKeyServices.join(', ')}`);
    expect(res.body.detail).toContain('openai, huggingface');
    expect(res.body.errors).toEqual([{ field: 'service', message: expect.stringContaining('openai') }]);
    expect(emitted).toEqual([]);
  });

  it('accepts a service in any case and stores it lower-case', async () => {
    const key = await createKey(alice, { service: ' OpenAI ', key: 'sk-mixed-case-service' });
    expect(key.service).toBe('openai');
  });

  it('accepts the api_key alias', async () => {
    const key = await createKey(alice, { service: 'elevenlabs', api_key: 'el-alias-key-56789' });
    expect(key).toMatchObject({ service: 'elevenlabs', key_name: null, key_preview: '…89' });
    expect(independent.decrypt(encryptionKey(), await storedToken(key.id))).toBe('el-alias-key-56789');
  });

  it.each([
    ['no key', { service: 'openai' }, 'key'],
    ['an empty key', { service: 'openai', key: '   ' }, 'key'],
    ['a non-string key', { service: 'openai', key: 12345 }, 'key'],
    ['an over-long key', { service: 'openai', key: 'x'.repeat(8193) }, 'key'],
    ['both key and api_key', { service: 'openai', key: 'sk-aaaa-1234', api_key: 'sk-bbbb-1234' }, 'api_key'],
    ['no service', { key: 'sk-aaaa-1234' }, 'service'],
    ['an over-long key_name', { service: 'openai', key: 'sk-aaaa-1234', key_name: 'n'.repeat(101) }, 'key_name'],
    [
      'an unknown field',
      { service: 'openai', key: 'sk-aaaa-1234', owner_id: '00000000-0000-4000-8000-000000000001' },
      'owner_id',
    ],
  ])('refuses %s with 422', async (_, body, field) => {
    plaintexts.add('sk-aaaa-1234');
    const res = await t.http.post('/api-keys/').set(alice.auth).send(body);
    expect(res.status).toBe(422);
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field })]));
    expect(res.text).not.toContain('sk-aaaa');
  });

  it('answers 400 to a body that is not JSON', async () => {
    const res = await t.http
      .post('/api-keys/')
      .set(alice.auth)
      .set('Content-Type', 'application/json')
      .send('{"service":');
    expect(res.status).toBe(400);
  });
});

describe('Service keys: rotating ENCRYPTION_KEY', () => {
  const OLD = randomBytes(32).toString('base64url') + '=';
  const NEW = randomBytes(32).toString('base64url') + '=';
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ env: { ENCRYPTION_KEY: OLD } });
  });

  afterAll(async () => {
    await t?.close();
  });

  it('re-encrypts keys stored through the API under the new key; an interrupted run is finished by the next', async () => {
    const user = await createUser(t);
    const plaintexts = new Map<string, string>();
    for (let i = 0; i < 7; i++) {
      const key = `sk-rotate-${i}-${randomBytes(8).toString('hex')}`;
      const res = await t.http.post('/api-keys/').set(user.auth).send({ service: 'openai', key });
      expect(res.status).toBe(201);
      plaintexts.set(res.body.id, key);
    }
    const repo = t.dataSource.getRepository(ServiceKey);
    const tokens = async () => new Map((await repo.find()).map((r) => [r.id, r.encryptedKey]));
    for (const [id, token] of await tokens()) expect(independent.decrypt(OLD, token)).toBe(plaintexts.get(id));

    const kill = () => {
      throw new Error('killed');
    };
    await expect(rotateEncryptionKeys(t.dataSource, [NEW, OLD], { batchSize: 3, onProgress: kill })).rejects.toThrow(
      'killed',
    );
    const halfway = await tokens();
    const underNew = [...halfway.values()].filter((token) => {
      try {
        independent.decrypt(NEW, token);
        return true;
      } catch {
        return false;
      }
    });
    expect(underNew).toHaveLength(3);

    const progress: [number, number][] = [];
    const result = await rotateEncryptionKeys(t.dataSource, [NEW, OLD], {
      batchSize: 3,
      onProgress: (d, n) => void progress.push([d, n]),
    });
    expect(result).toEqual({ total: 7, rotated: 4, alreadyCurrent: 3, undecryptable: [] });
    expect(progress).toEqual([
      [3, 7],
      [6, 7],
      [7, 7],
    ]);
    for (const [id, token] of await tokens()) expect(independent.decrypt(NEW, token)).toBe(plaintexts.get(id));
  });
});
