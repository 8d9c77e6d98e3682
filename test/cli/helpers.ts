import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { createPgDatabase, freePort } from '../support/infrastructure';

export { freePort };

// better-sqlite3 ships no types (and @types/better-sqlite3 is not installed): the little used here, typed by hand.
interface SqliteStatement {
  reader: boolean;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): unknown;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Database = require('better-sqlite3') as new (file: string) => {
  prepare(sql: string): SqliteStatement;
  close(): void;
};

export const ROOT = join(__dirname, '..', '..');
/** dist/, or the private build test/cli/build.global.ts made when dist/ was stale. */
export const DIST = process.env.VOICEGATE_TEST_DIST ?? join(ROOT, 'dist');
export const CLI = join(DIST, 'src', 'cli', 'main.js');
export const SERVICE = join(DIST, 'src', 'main.js');

/** Every migration in migrations/, by class name, in the order they apply. */
export const MIGRATIONS = readdirSync(join(ROOT, 'migrations'))
  .filter((f) => f.endsWith('.ts'))
  .sort()
  .map((f) => {
    const [ts, name] = f.replace(/\.ts$/, '').split('-');
    return `${name}${ts}`;
  });

export const fernetKey = () => randomBytes(32).toString('base64url') + '=';

/** A fresh database: a SQLite file in its own temp dir, or a new PostgreSQL database. */
export interface TempDb {
  driver: 'sqlite' | 'postgres';
  url: string;
  dir: string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  drop(): Promise<void>;
}

export async function tempDb(driver: 'sqlite' | 'postgres' = 'sqlite'): Promise<TempDb> {
  const dir = mkdtempSync(join(tmpdir(), 'voicegate-cli-'));
  if (driver === 'sqlite') {
    const file = join(dir, 'voicegate.db');
    return {
      driver,
      url: `sqlite:${file}`,
      dir,
      // A connection per query: the CLI under test must see no lock held by the test between commands.
      query: async <T>(sql: string, params: unknown[] = []) => {
        const db = new Database(file);
        try {
          const stmt = db.prepare(sql.replace(/\$\d+/g, '?'));
          return (stmt.reader ? stmt.all(...params) : (stmt.run(...params), [])) as T[];
        } finally {
          db.close();
        }
      },
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const { url, drop } = await createPgDatabase('vg_cli');
  return {
    driver,
    url,
    dir,
    query: async <T>(sql: string, params: unknown[] = []) => {
      const c = new Client({ connectionString: url });
      await c.connect();
      try {
        return (await c.query(sql, params)).rows as T[];
      } finally {
        await c.end();
      }
    },
    drop: async () => {
      rmSync(dir, { recursive: true, force: true });
      await drop();
    },
  };
}

/** The environment of a child process: the test runner's, minus everything Voicegate reads, plus `env`. */
export function childEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env))
    if (
      !/^(DATABASE_URL|REDIS_URL|ADMIN_|SECRET_KEY|JWT_SECRET_KEY|ENCRYPTION_KEY|NODE_ENV|PORT|HOST|LOG_LEVEL|BCRYPT_ROUNDS|TEST_DB|MIGRATIONS_RUN)/.test(
        k,
      )
    )
      base[k] = v;
  for (const [k, v] of Object.entries(env)) if (v !== undefined) base[k] = v;
  return base;
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed (a pipe: no terminal). */
  input?: string;
  timeoutMs?: number;
}

/** Runs a command to completion; a process that does not end by itself within the timeout fails the test. */
export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const child = spawn(cmd, args, { cwd: ROOT, env: childEnv(opts.env ?? {}), stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin.end(opts.input ?? '');
  return collect(child, opts.timeoutMs ?? 60_000, started);
}

function collect(child: ChildProcess, timeoutMs: number, started: number): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${timeoutMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** The operator CLI (`npm run cli -- …`) on a database, with test-speed bcrypt and fixed secrets. */
export async function cli(db: TempDb | null, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(process.execPath, [CLI, ...args], {
    ...opts,
    env: {
      NODE_ENV: 'development',
      BCRYPT_ROUNDS: '4',
      SECRET_KEY: 'cli-test-secret-' + 'x'.repeat(40),
      ENCRYPTION_KEY: FIXED_KEY,
      ...(db ? { DATABASE_URL: db.url } : {}),
      ...opts.env,
    },
  });
  // Every command must end on its own: nothing (bcrypt pool, Redis, database pool) may keep it alive.
  if (r.stderr.includes('open handles kept the CLI alive'))
    throw new Error(`the CLI did not exit by itself: ${args.join(' ')}\n${r.stderr}`);
  return r;
}
export const FIXED_KEY = fernetKey();

export interface RunningService {
  url: string;
  port: number;
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Stdout once it holds `text`: a log line may reach the pipe after /health answers (pino writes asynchronously). */
  waitForStdout(text: string, timeoutMs?: number): Promise<string>;
  stop(): Promise<RunResult>;
}

/** `node dist/src/main.js` on a free port; resolves once /health answers 200. */
export async function startService(
  env: Record<string, string | undefined>,
  opts: { readyTimeoutMs?: number } = {},
): Promise<RunningService> {
  const port = await freePort();
  const started = Date.now();
  const child = spawn(process.execPath, [SERVICE], {
    cwd: ROOT,
    env: childEnv({
      NODE_ENV: 'development',
      BCRYPT_ROUNDS: '4',
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: 'info',
      ...env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  let exited: number | null | undefined;
  const closed = new Promise<void>((resolve) => child.on('close', (code) => ((exited = code), resolve())));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + (opts.readyTimeoutMs ?? 45_000);
  for (;;) {
    if (exited !== undefined)
      throw new Error(`service exited with ${exited} before it was ready\nstdout: ${stdout}\nstderr: ${stderr}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.status === 200) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`service not ready in time\nstdout: ${stdout}\nstderr: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100)); // polling for readiness, not waiting out a time window
  }
  return {
    url,
    port,
    child,
    output: () => ({ stdout, stderr }),
    waitForStdout: async (text: string, timeoutMs = 10_000): Promise<string> => {
      const until = Date.now() + timeoutMs;
      while (!stdout.includes(text) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      return stdout;
    },
    stop: async () => {
      if (exited === undefined) child.kill('SIGTERM');
      await closed;
      return { code: exited ?? null, stdout, stderr, ms: Date.now() - started };
    },
  };
}

/**
 * Runs the CLI on a pseudo-terminal (util-linux `script`) and answers each prompt when it appears, as a person
 * at a terminal would: `steps` are [text to wait for, keys to type]. Returns everything the terminal showed.
 */
export async function cliOnTerminal(
  db: TempDb,
  args: string[],
  steps: [string, string][],
  env: Record<string, string> = {},
): Promise<RunResult> {
  const command = [process.execPath, CLI, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const started = Date.now();
  // `--echo never`: with a pipe as its own stdin, `script` would otherwise echo every key itself.
  const child = spawn('script', ['--echo', 'never', '-qfec', command, '/dev/null'], {
    cwd: ROOT,
    env: childEnv({
      NODE_ENV: 'development',
      BCRYPT_ROUNDS: '4',
      SECRET_KEY: 'cli-test-secret-' + 'x'.repeat(40),
      ENCRYPTION_KEY: FIXED_KEY,
      DATABASE_URL: db.url,
      ...env,
    }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const result = collect(child, 90_000, started);
  let seen = 0;
  let screen = '';
  child.stdout!.on('data', (d) => {
    screen += d;
    while (seen < steps.length) {
      const [prompt, answer] = steps[seen];
      const at = screen.indexOf(prompt);
      if (at === -1) break;
      screen = screen.slice(at + prompt.length);
      seen++;
      child.stdin!.write(answer);
    }
  });
  const r = await result;
  if (seen < steps.length)
    throw new Error(`prompt ${JSON.stringify(steps[seen][0])} never appeared\n${r.stdout}\n${r.stderr}`);
  return r;
}
