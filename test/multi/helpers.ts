import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createPgDatabase, freePort, SHARED_PG_URL } from '../support/infrastructure';

export { freePort, SHARED_PG_URL };

/**
 * Real processes for the multi-instance tests: the built service (`node dist/src/main.js`), a private PostgreSQL
 * and private redis-server processes that a test may stop and restart, and a small HTTP client. Everything started
 * here is registered and killed by `killEverything()` (afterAll) or, at the latest, when the test process exits.
 */

export const ROOT = join(__dirname, '..', '..');
/**
 * The compiled service; VOICEGATE_DIST points at another build of the same tree (a private outDir while developing).
 */
export const DIST = process.env.VOICEGATE_DIST ?? join(ROOT, 'dist');
export const SERVICE = join(DIST, 'src', 'main.js');
/** The shared Redis, on a database number of its own so these tests' keys never meet other suites' keys. */
export const SHARED_REDIS_URL = process.env.TEST_MULTI_REDIS_URL ?? 'redis://127.0.0.1:6379/7';

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` until it returns a truthy value; fails with `what` and the last value/error after `timeoutMs`. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T> | T,
  opts: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<Exclude<T, false | null | undefined | 0 | ''>> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v as Exclude<T, false | null | undefined | 0 | ''>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`,
      );
    await sleep(opts.intervalMs ?? 100); // polling a condition, bounded by the deadline above
  }
}

export function assertBuilt(): void {
  if (!existsSync(SERVICE))
    throw new Error(
      `The multi-instance tests run the built service and ${SERVICE} does not exist. Run \`npm run build\` first (scripts/test.sh does).`,
    );
}

export const uniq = () => `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

// ---------------------------------------------------------------------------------------------------------------
// Process bookkeeping

const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of running) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function track(child: ChildProcess): ChildProcess {
  running.add(child);
  child.on('exit', () => running.delete(child));
  return child;
}

/** Kills every process these helpers started that is still running (SIGKILL: afterAll must never hang). */
export async function killEverything(): Promise<void> {
  const left = [...running].filter((c) => c.exitCode === null && c.signalCode === null);
  await Promise.all(
    left.map(
      (c) =>
        new Promise<void>((resolve) => {
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
          setTimeout(resolve, 3000).unref();
        }),
    ),
  );
}

function exited(
  child: ChildProcess,
  timeoutMs: number,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`process ${child.pid} did not exit within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The service

export const SECRETS = {
  SECRET_KEY: 'multi-instance-test-secret-' + randomBytes(24).toString('hex'),
  ENCRYPTION_KEY: randomBytes(32).toString('base64url') + '=',
};

/** The environment of a service: nothing inherited that Voicegate reads, production mode, test-speed bcrypt. */
function serviceEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (
      !/^(DATABASE_|REDIS_|ADMIN_|SECRET_KEY|JWT_SECRET_KEY|ENCRYPTION_KEY|NODE_ENV|PORT|HOST|LOG_LEVEL|BCRYPT_|TEST_|MIGRATIONS_RUN|RATE_LIMIT_|LOCKOUT_|TRUST_PROXY)/.test(
        k,
      )
    )
      base[k] = v;
  const all: Record<string, string | undefined> = {
    NODE_ENV: 'production',
    ...SECRETS,
    BCRYPT_ROUNDS: '4',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    ...env,
  };
  for (const [k, v] of Object.entries(all)) if (v !== undefined) base[k] = v;
  return base;
}

export interface LogLine {
  level?: string;
  msg?: string;
  context?: string;
  [k: string]: unknown;
}

export class ServiceProcess {
  readonly url: string;
  private out = '';
  private err = '';

  constructor(
    readonly name: string,
    readonly port: number,
    readonly child: ChildProcess,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    child.stdout!.on('data', (d) => (this.out += d));
    child.stderr!.on('data', (d) => (this.err += d));
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /** The structured (JSON) log lines written so far. */
  logs(): LogLine[] {
    return (this.out + '\n' + this.err)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => {
        try {
          return JSON.parse(l) as LogLine;
        } catch {
          return { msg: l };
        }
      });
  }

  /** Output for a failure message (the tail: a test should not print megabytes). */
  tail(chars = 4000): string {
    return `--- ${this.name} stdout ---\n${this.out.slice(-chars)}\n--- ${this.name} stderr ---\n${this.err.slice(-chars)}`;
  }

  /** Sends `signal` and waits for the process to end. */
  async stop(
    signal: NodeJS.Signals = 'SIGTERM',
    timeoutMs = 20_000,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.alive) this.child.kill(signal);
    return exited(this.child, timeoutMs);
  }

  exited(timeoutMs: number) {
    return exited(this.child, timeoutMs);
  }
}

/**
 * `node dist/src/main.js` on a free port; resolves once GET /health answers (200, or any status with
 * `acceptUnhealthy`).
 */
export async function startService(
  name: string,
  env: Record<string, string | undefined>,
  opts: { readyTimeoutMs?: number; acceptUnhealthy?: boolean } = {},
): Promise<ServiceProcess> {
  assertBuilt();
  const port = await freePort();
  const child = track(
    spawn(process.execPath, [SERVICE], {
      cwd: ROOT,
      env: serviceEnv({ PORT: String(port), ...env }),
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const svc = new ServiceProcess(name, port, child);
  await waitFor(
    `${name} to answer /health`,
    async () => {
      if (!svc.alive)
        throw new Error(`${name} exited (${child.exitCode ?? child.signalCode}) before it was ready\n${svc.tail()}`);
      const res = await fetch(`${svc.url}/health`, { signal: AbortSignal.timeout(2000) }).catch(() => null);
      return res && (res.status === 200 || (opts.acceptUnhealthy && res.status === 503));
    },
    { timeoutMs: opts.readyTimeoutMs ?? 45_000, intervalMs: 100 },
  ).catch((err: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${err.message}\n${svc.tail()}`);
  });
  return svc;
}

/**
 * Two instances on one (empty) PostgreSQL database, started as fast as is safe: B is started as soon as A has applied
 * the migrations (TypeORM's migration run takes no lock), while A finishes booting. `envB` adds to or overrides `env`.
 */
export async function startTwo(
  env: Record<string, string | undefined>,
  envB: Record<string, string | undefined> = {},
): Promise<[ServiceProcess, ServiceProcess]> {
  const url = env.DATABASE_URL;
  if (!url?.startsWith('postgres')) throw new Error('startTwo needs a PostgreSQL DATABASE_URL');
  const expected = readdirSync(join(DIST, 'migrations')).filter((f) => f.endsWith('.js')).length;
  const a = startService('A', env);
  const migrated = waitFor(
    'A to apply the migrations',
    async () => (await queryOn(url)<{ n: number }>('SELECT count(*)::int AS n FROM migrations'))[0].n >= expected,
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  for (const p of [a, migrated]) p.catch(() => undefined); // whichever fails second is reported through the first
  await Promise.race([migrated, a]); // a start-up failure of A ends the wait at once
  await migrated;
  const b = startService('B', { ...env, ...envB });
  return Promise.all([a, b]);
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- callers type their bodies
export interface Res<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
  ms: number;
}

export interface ReqOptions {
  json?: unknown;
  form?: Record<string, string>;
  token?: string;
  apiKey?: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
}

/** One request with a hard timeout; a connection-level failure rejects (callers decide whether that is allowed). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- callers type their bodies
export async function req<T = any>(
  base: string | ServiceProcess,
  method: string,
  path: string,
  opts: ReqOptions = {},
): Promise<Res<T>> {
  const url = (typeof base === 'string' ? base : base.url) + path;
  const headers: Record<string, string> = { ...opts.headers };
  let body: string | undefined;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(opts.form).toString();
  }
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.apiKey) headers['x-api-key'] = opts.apiKey;
  const started = Date.now();
  const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(opts.timeoutMs ?? 15_000) }).catch(
    (err: Error) => {
      if (typeof base !== 'string' && !base.alive)
        throw new Error(
          `${method} ${path}: ${base.name} is not running (${base.child.exitCode ?? base.child.signalCode})\n${base.tail()}`,
        );
      throw err;
    },
  );
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed as T, text, ms: Date.now() - started };
}

export const PASSWORD = 'Correct-Horse-9-Battery';

export interface Account {
  id: string;
  username: string;
  email: string;
  password: string;
  apiKey: string;
}

/** POST /auth/register on `svc`; fails the test unless 201. */
export async function register(svc: ServiceProcess | string, prefix = 'u'): Promise<Account> {
  const username = `${prefix}_${uniq()}`;
  const email = `${username}@example.com`;
  const r = await req(svc, 'POST', '/auth/register', { json: { email, username, password: PASSWORD } });
  if (r.status !== 201) throw new Error(`register: ${r.status} ${r.text}`);
  return { id: r.body.id, username, email, password: PASSWORD, apiKey: r.body.api_key };
}

export interface Tokens {
  access: string;
  refresh: string;
  sessionId: string;
}

/** POST /auth/login on `svc`; fails the test unless 200. */
export async function login(svc: ServiceProcess | string, username: string, password = PASSWORD): Promise<Tokens> {
  const r = await req(svc, 'POST', '/auth/login', { json: { username, password } });
  if (r.status !== 200) throw new Error(`login: ${r.status} ${r.text}`);
  return { access: r.body.tokens.access_token, refresh: r.body.tokens.refresh_token, sessionId: r.body.session_id };
}

// ---------------------------------------------------------------------------------------------------------------
// Databases

/** A fresh database on the shared PostgreSQL (one per test file), with a query helper and a drop for afterAll. */
export async function sharedDatabase(
  prefix = 'vg_multi',
): Promise<{ url: string; query: Query; drop: () => Promise<void> }> {
  const { url, drop } = await createPgDatabase(prefix, SHARED_PG_URL);
  return { url, query: queryOn(url), drop };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Query = <T = any>(sql: string, params?: unknown[]) => Promise<T[]>;

/** A connection per query: nothing held open across a database restart. */
export function queryOn(url: string): Query {
  return async (sql, params = []) => {
    const c = new Client({ connectionString: url, connectionTimeoutMillis: 5000, statement_timeout: 10_000 });
    await c.connect();
    try {
      return (await c.query(sql, params)).rows;
    } finally {
      await c.end().catch(() => undefined);
    }
  };
}

function pgBinDir(): string {
  if (process.env.TEST_PG_BIN) return process.env.TEST_PG_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : [];
  if (!versions.length)
    throw new Error('No PostgreSQL server binaries under /usr/lib/postgresql/*/bin (set TEST_PG_BIN)');
  return join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin');
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined; // not root: run as ourselves
  return {
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  };
}

/**
 * A private PostgreSQL cluster (initdb into a temp folder, own port) that a test may stop and start. The postmaster
 * is a direct child process run as the `postgres` user (PostgreSQL refuses root), so stopping it is a signal:
 * SIGINT = fast shutdown, SIGQUIT = immediate (crash-like: WAL recovery on the next start).
 * fsync is off: a test stops processes, never the machine, so the OS keeps every acknowledged WAL write.
 */
export class PrivatePostgres {
  private child?: ChildProcess;
  private log = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly bin: string,
    private readonly user?: { uid: number; gid: number },
  ) {}

  static async create(): Promise<PrivatePostgres> {
    const bin = pgBinDir();
    const user = postgresUser();
    const dir = mkdtempSync(join(tmpdir(), 'voicegate-pg-'));
    if (user) chownSync(dir, user.uid, user.gid);
    const pg = new PrivatePostgres(dir, await freePort(), bin, user);
    const data = join(dir, 'data');
    execFileSync(
      join(bin, 'initdb'),
      ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--locale=C', '--no-sync'],
      {
        ...user,
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
      },
    );
    await pg.start();
    return pg;
  }

  url(db = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${db}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.running) return;
    const args = [
      '-D',
      join(this.dir, 'data'),
      '-p',
      String(this.port),
      '-k',
      this.dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'max_connections=60',
      '-c',
      'shared_buffers=16MB',
    ];
    this.log = '';
    const child = track(
      spawn(join(this.bin, 'postgres'), args, { ...this.user, cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] }),
    );
    child.stdout!.on('data', (d) => (this.log += d));
    child.stderr!.on('data', (d) => (this.log += d));
    this.child = child;
    await waitFor(
      'the private PostgreSQL to accept connections',
      async () => {
        if (!this.running) throw new Error(`postgres exited: ${this.log.slice(-2000)}`);
        await queryOn(this.url())('SELECT 1');
        return true;
      },
      { timeoutMs: 30_000 },
    );
  }

  /** `fast` (SIGINT: sessions terminated, clean checkpoint) or `immediate` (SIGQUIT: like a crash). */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!this.running) return;
    this.child!.kill(mode === 'fast' ? 'SIGINT' : 'SIGQUIT');
    await exited(this.child!, 30_000);
  }

  /** The postmaster and its backends (one per connection), from /proc. */
  private processIds(): number[] {
    const root = this.child!.pid!;
    const ids = [root];
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid === root) ids.push(Number(entry));
      } catch {
        /* gone meanwhile */
      }
    }
    return ids;
  }

  /** Freezes every process of the cluster (SIGSTOP): connections stay open and nothing answers — a hung database. */
  freeze(): void {
    for (const pid of this.processIds()) process.kill(pid, 'SIGSTOP');
  }

  thaw(): void {
    for (const pid of this.processIds()) process.kill(pid, 'SIGCONT');
  }

  async destroy(): Promise<void> {
    if (this.running) {
      this.thaw();
      this.child!.kill('SIGQUIT');
      await exited(this.child!, 10_000).catch(() => this.child!.kill('SIGKILL'));
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  async createDatabase(name: string): Promise<string> {
    await queryOn(this.url())(`CREATE DATABASE "${name}"`);
    return this.url(name);
  }
}

/** A private redis-server without persistence (a restart starts empty, like a replaced cache node). */
export class PrivateRedis {
  private child?: ChildProcess;
  private log = '';

  private constructor(readonly port: number) {}

  static async create(): Promise<PrivateRedis> {
    const r = new PrivateRedis(await freePort());
    await r.start();
    return r;
  }

  url(db = 0): string {
    return `redis://127.0.0.1:${this.port}/${db}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.log = '';
    const bin = process.env.TEST_REDIS_SERVER ?? 'redis-server';
    const child = track(
      spawn(bin, ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    child.stdout!.on('data', (d) => (this.log += d));
    child.stderr!.on('data', (d) => (this.log += d));
    this.child = child;
    await waitFor(
      'the private redis-server to accept connections',
      async () => {
        if (!this.running) throw new Error(`redis-server exited: ${this.log.slice(-2000)}`);
        return this.log.includes('Ready to accept connections');
      },
      { timeoutMs: 15_000, intervalMs: 50 },
    );
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGKILL'); // a vanished cache node, not a polite shutdown
    await exited(this.child!, 10_000);
  }
}

/**
 * A TCP proxy in front of a server, to cut one instance off (a network partition) while the others stay connected.
 * `cut()` drops every connection and refuses new ones until `restore()`.
 */
export class TcpProxy {
  private readonly sockets = new Set<import('node:net').Socket>();
  private open = true;

  private constructor(
    private readonly server: import('node:net').Server,
    readonly port: number,
  ) {}

  static async create(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
    const { createServer: netServer, connect } = await import('node:net');
    // eslint-disable-next-line prefer-const -- assigned once the server listens, read by its connection handler
    let proxy!: TcpProxy;
    const server = netServer((client) => {
      if (!proxy.open) return void client.destroy();
      const upstream = connect(targetPort, targetHost);
      for (const s of [client, upstream]) {
        proxy.sockets.add(s);
        s.on('close', () => proxy.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    const port = await freePort();
    await new Promise<void>((resolve, reject) =>
      server.once('error', reject).listen(port, '127.0.0.1', () => resolve()),
    );
    proxy = new TcpProxy(server, port);
    return proxy;
  }

  cut(): void {
    this.open = false;
    for (const s of this.sockets) s.destroy();
  }

  restore(): void {
    this.open = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
