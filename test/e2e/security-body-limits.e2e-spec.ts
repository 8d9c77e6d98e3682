import { randomInt } from 'node:crypto';
import { MAX_BODY_DEPTH, MAX_BODY_VALUES } from '../../src/common/body-parsers';
import { createTestApp, TestApp } from '../app.factory';
import { createUser, TestUser } from '../factories/user.factory';

const freshIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** Hostile bodies of many shapes, each well under the small body limit so only the shape decides. */
const SHAPES: Record<string, () => string> = {
  'array of small objects': () =>
    `[${Array(MAX_BODY_VALUES + 1)
      .fill('{}')
      .join(',')}]`,
  'array of numbers': () =>
    `[${Array(MAX_BODY_VALUES + 1)
      .fill('0')
      .join(',')}]`,
  'object with many keys': () =>
    `{${Array.from({ length: MAX_BODY_VALUES + 1 }, (_, i) => `"${(i % 36).toString(36)}":0`).join(',')}}`,
  'deep arrays': () => '['.repeat(MAX_BODY_DEPTH + 1) + ']'.repeat(MAX_BODY_DEPTH + 1),
  'deep objects': () => '{"a":'.repeat(MAX_BODY_DEPTH + 1) + '0' + '}'.repeat(MAX_BODY_DEPTH + 1),
  'wide values inside a deep object': () =>
    '{"a":'.repeat(20) + `[${Array(MAX_BODY_VALUES).fill('1').join(',')}]` + '}'.repeat(20),
  'escaped NUL in a key': () => '{"a\\u0000":1}',
};

describe('request bodies: credentials and the rate limit first, per-route limits, bounded checks', () => {
  let t: TestApp;
  let u: TestUser;
  let jobId: string;

  beforeAll(async () => {
    t = await createTestApp({
      env: {
        RATE_LIMIT_ENABLED: 'true',
        RATE_LIMIT_ANON_PER_MINUTE: '3',
        RATE_LIMIT_AUTH_PER_MINUTE: '3',
        RATE_LIMIT_USER_PER_MINUTE: '1000',
        TRUST_PROXY: 'true',
      },
    });
    u = await createUser(t);
    jobId = (await t.http.post('/jobs/').set(u.auth).set('X-Forwarded-For', freshIp()).send({ filename: 'a.wav' })).body
      .job_id;
  });
  afterAll(() => t.close());

  const json = (method: 'post' | 'put' | 'patch', path: string, body: string, ip = freshIp()) =>
    t.http[method](path).set('Content-Type', 'application/json').set('X-Forwarded-For', ip).send(body);

  it.each(Object.keys(SHAPES))('%s without credentials: 401 before the body is parsed or checked', async (shape) => {
    for (const path of ['/jobs/', '/auth/logout']) {
      const res = await json('post', path, SHAPES[shape]());
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('NOT_AUTHENTICATED');
    }
  });

  it('malformed JSON without credentials is a 401 too (the body is never read)', async () => {
    const res = await json('post', '/jobs/', '{"filename": ');
    expect(res.status).toBe(401);
  });

  it('an anonymous client over its rate limit gets 429 with a hostile body, not a parse', async () => {
    const ip = freshIp();
    for (let i = 0; i < 3; i++)
      expect((await json('post', '/auth/login', '{"username":"x","password":"y"}', ip)).status).toBe(401);
    const res = await json('post', '/auth/login', SHAPES['deep arrays'](), ip);
    expect(res.status).toBe(429);
    expect(res.headers['retry-after']).toBeDefined();
  });

  it.each(Object.keys(SHAPES))('%s from an authenticated caller: 400 MALFORMED_BODY, nothing stored', async (shape) => {
    for (const [method, path] of [
      ['put', '/auth/profile'],
      ['patch', `/jobs/${jobId}`],
    ] as const) {
      const res = await json(method, path, SHAPES[shape]()).set(u.auth);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('MALFORMED_BODY');
    }
    const job = await t.http.get(`/jobs/${jobId}`).set(u.auth).set('X-Forwarded-For', freshIp()).expect(200);
    expect(job.body.status).toBe('pending');
  });

  it('the same checks hold for form bodies', async () => {
    const many = Array(MAX_BODY_VALUES + 1)
      .fill('a=1')
      .join('&');
    const res = await t.http
      .post('/auth/token')
      .set('X-Forwarded-For', freshIp())
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(many);
    expect(res.status).toBe(400);
    expect(res.body.detail).toMatch(/too many values/);
    const nul = await t.http
      .post('/auth/token')
      .set('X-Forwarded-For', freshIp())
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('grant_type=password&username=a%00&password=b');
    expect(nul.status).toBe(400);
  });

  it('auth and profile routes take kilobytes: a 100 KB body is 413 before it is parsed', async () => {
    const big = JSON.stringify({ username: 'x', password: 'y'.repeat(100 * 1024) });
    expect((await json('post', '/auth/login', big)).status).toBe(413);
    expect((await json('post', '/auth/register', big)).status).toBe(413);
    const profile = JSON.stringify({ full_name: 'x'.repeat(100 * 1024) });
    const res = await json('put', '/auth/profile', profile).set(u.auth);
    expect(res.status).toBe(413);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('PATCH /jobs/{id} takes the large limit: a 1 MB transcript is stored whole', async () => {
    const transcript = 'word '.repeat(200 * 1024);
    const res = await json('patch', `/jobs/${jobId}`, JSON.stringify({ status: 'completed', transcript }))
      .set(u.auth)
      .expect(200);
    expect(res.body.transcript).toHaveLength(transcript.length);
  });

  it('brackets, quotes and escapes inside strings do not count as structure', async () => {
    const settings = { text: '[[[[{{{{'.repeat(200) + '\\"\\\\u0000' + ',,,,'.repeat(2000) };
    const res = await json('put', '/auth/profile', JSON.stringify({ settings })).set(u.auth);
    expect(res.status).toBe(200);
    expect(res.body.settings).toEqual(settings);
  });

  it('a transcript over TRANSCRIPT_MAX_BYTES is 413 PAYLOAD_TOO_LARGE and changes nothing', async () => {
    const job = await json('post', '/jobs/', JSON.stringify({ filename: 'big.wav' }))
      .set(u.auth)
      .expect(201);
    const transcript = 'é'.repeat(t.config.transcriptMaxBytes / 2 + 1); // two bytes each: one byte over
    const res = await json(
      'patch',
      `/jobs/${job.body.job_id}`,
      JSON.stringify({ status: 'completed', transcript }),
    ).set(u.auth);
    expect([res.status, res.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    const after = await json('patch', `/jobs/${job.body.job_id}`, '{"status":"processing"}').set(u.auth).expect(200);
    expect(after.body.transcript).toBeNull();
  });
});
