import { request as httpRequest } from 'node:http';
import {
  killEverything,
  login,
  Query,
  register,
  SHARED_REDIS_URL,
  ServiceProcess,
  sharedDatabase,
  sleep,
  startService,
  waitFor,
} from './helpers';

interface Outcome {
  kind: 'response' | 'refused' | 'reset' | 'timeout';
  status?: number;
  error?: string;
}

/**
 * One request on a connection of its own (no keep-alive), so every outcome is unambiguous: a response, a refused
 * connection (nobody listening), or a reset. `sent` resolves once the whole request is on the wire.
 */
function send(
  url: string,
  method: string,
  path: string,
  opts: { token?: string; apiKey?: string; json?: unknown } = {},
): { sent: Promise<void>; done: Promise<Outcome> } {
  let markSent!: () => void;
  const sent = new Promise<void>((r) => (markSent = r));
  const done = new Promise<Outcome>((resolve) => {
    const body = opts.json === undefined ? undefined : JSON.stringify(opts.json);
    const headers: Record<string, string> = {};
    if (body) headers['content-type'] = 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    if (opts.apiKey) headers['x-api-key'] = opts.apiKey;
    const r = httpRequest(url + path, { method, headers, agent: false, timeout: 15_000 }, (res) => {
      res.resume();
      res.on('end', () => resolve({ kind: 'response', status: res.statusCode }));
      res.on('error', (e) => resolve({ kind: 'reset', error: e.message }));
    });
    r.on('finish', markSent);
    r.on('timeout', () => (r.destroy(), resolve({ kind: 'timeout' })));
    r.on('error', (e: NodeJS.ErrnoException) => {
      markSent();
      resolve({ kind: e.code === 'ECONNREFUSED' ? 'refused' : 'reset', error: `${e.code} ${e.message}` });
    });
    r.end(body);
  });
  return { sent, done };
}

/**
 * CONTRACT §11 graceful shutdown, on the built service: SIGTERM while requests are being served. In-flight requests
 * finish (slow bcrypt logins among them), new ones are refused (connection refused or 503), the buffered usage
 * counters, last-used stamps and security events reach the database before exit, and the exit code is 0.
 */
describe('SIGTERM under load', () => {
  let db: { url: string; query: Query; drop: () => Promise<void> };
  let app: ServiceProcess;

  beforeAll(async () => {
    db = await sharedDatabase('vg_multi_sigterm');
    // bcrypt cost 12 (~350 ms a comparison here): a login is still in flight when the signal arrives.
    app = await startService('app', {
      DATABASE_URL: db.url,
      REDIS_URL: SHARED_REDIS_URL,
      BCRYPT_ROUNDS: '12',
      RATE_LIMIT_ENABLED: 'false',
    });
  }, 90_000);

  afterAll(async () => {
    await killEverything();
    await db?.drop();
  }, 30_000);

  test('in-flight requests finish, new ones are refused, buffers are flushed, exit code 0', async () => {
    const user = await register(app, 'term');
    // Logins that will be in flight at the signal: one per user (concurrent logins of one user count toward its
    // lockout).
    const others = await Promise.all(Array.from({ length: 4 }, () => register(app, 'slow')));
    const { access, sessionId } = await login(app, user.username);
    const startedAt = new Date();

    // Steady load: authenticated reads with the token and the API key, until the service stops answering.
    const counts = { served: 0, servedByKey: 0, unavailable: 0, refused: 0, reset: 0, other: [] as string[] };
    let stopLoad = false;
    const deadline = Date.now() + 30_000;
    const worker = async (i: number) => {
      while (!stopLoad && Date.now() < deadline) {
        const byKey = i % 2 === 0;
        const o = await send(app.url, 'GET', '/auth/me', byKey ? { apiKey: user.apiKey } : { token: access }).done;
        if (o.kind === 'response' && o.status === 200) {
          counts.served++;
          if (byKey) counts.servedByKey++;
        } else if (o.kind === 'response' && o.status === 503) counts.unavailable++;
        else if (o.kind === 'refused') {
          counts.refused++;
          return; // nobody listens any more
        } else if (o.kind === 'reset')
          counts.reset++; // a new connection closed before its request was read: refused too
        else counts.other.push(JSON.stringify(o));
      }
    };
    const workers = Array.from({ length: 6 }, (_, i) => worker(i));
    while (counts.served < 100 && Date.now() < deadline) await sleep(20); // the load is running

    // Slow requests (bcrypt cost 12, more of them than bcrypt threads), signalled once the service is working on them:
    // a login's first statement reserves an attempt (failed_login_attempts = 1) before the bcrypt comparison.
    const logins = others.map((o) =>
      send(app.url, 'POST', '/auth/login', { json: { username: o.username, password: o.password } }),
    );
    const ids = others.map((o) => o.id);
    const progress = () =>
      db.query<{ started: string; done: string }>(
        'SELECT count(*) FILTER (WHERE failed_login_attempts > 0 OR last_login_at IS NOT NULL) AS started, count(*) FILTER (WHERE last_login_at IS NOT NULL) AS done FROM users WHERE id = ANY($1::uuid[])',
        [ids],
      );
    await waitFor(
      'the service to start working on the logins',
      async () => Number((await progress())[0].started) === others.length,
      { timeoutMs: 20_000, intervalMs: 5 },
    );
    const exit = app.exited(30_000);
    app.child.kill('SIGTERM');
    const doneAtSignal = Number((await progress())[0].done);
    const loginOutcomes = await Promise.all(logins.map((l) => l.done));
    const { code, signal } = await exit;
    stopLoad = true;
    await Promise.all(workers);

    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // The logins were in flight (not all finished) when the signal came, and every one completed normally.
    expect(doneAtSignal).toBeLessThan(others.length);
    expect(loginOutcomes).toEqual(Array(others.length).fill({ kind: 'response', status: 200 }));
    // New requests were refused (connection refused/reset, or 503); nothing else, no 5xx but 503.
    expect(counts.other).toEqual([]);
    expect(counts.refused + counts.unavailable + counts.reset).toBeGreaterThan(0);
    expect(app.logs().filter((l) => l.level === 'error' || l.level === 'fatal')).toEqual([]);

    // Buffers reached the database before exit: one counted request per authenticated request served.
    const [row] = await db.query<{ usage_total_requests: number; api_key_last_used_at: Date | null }>(
      'SELECT usage_total_requests, api_key_last_used_at FROM users WHERE id = $1',
      [user.id],
    );
    expect(Number(row.usage_total_requests)).toBe(counts.served);
    expect(row.api_key_last_used_at).not.toBeNull();
    expect(row.api_key_last_used_at!.getTime()).toBeGreaterThanOrEqual(startedAt.getTime() - 1000);
    const [session] = await db.query<{ last_active_at: Date }>(
      'SELECT last_active_at FROM user_sessions WHERE id = $1',
      [sessionId],
    );
    expect(session.last_active_at.getTime()).toBeGreaterThanOrEqual(startedAt.getTime() - 1000);
    // Security events are written in batches of 250 ms: those of the in-flight logins were flushed too.
    const [events] = await db.query<{ n: string }>(
      "SELECT count(*) AS n FROM security_events WHERE user_id = ANY($1::uuid[]) AND type = 'login_succeeded'",
      [ids],
    );
    expect(Number(events.n)).toBe(others.length);
    const [history] = await db.query<{ n: string }>(
      'SELECT count(*) AS n FROM login_history WHERE user_id = ANY($1::uuid[]) AND success',
      [ids],
    );
    expect(Number(history.n)).toBe(others.length);
  }, 90_000);
});
