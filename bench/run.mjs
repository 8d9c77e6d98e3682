#!/usr/bin/env node
// Voicegate benchmark: the production build against the framework's own ceiling (a bare Nest-on-Fastify app).
// `npm run bench -- --help` for the options; the README's "Performance" section explains the method.
import autocannon from 'autocannon';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SAME_TIME = ['health', 'me-jwt', 'me-apikey', 'me-apikey-scoped', 'verify-jwt', 'verify-apikey'];
const ALL_SCENARIOS = [
  'bare',
  'health',
  'me-jwt',
  'me-apikey',
  'me-apikey-scoped',
  'verify-jwt',
  'verify-apikey',
  'jobs-list',
  'jobs-stats',
  'login',
  'refresh',
  'hash-storm',
  'webhooks',
];
const VERIFY = ['verify-jwt', 'verify-apikey'];

const HELP = `Usage: npm run bench -- [options]

  --db sqlite|postgres     database (default sqlite; postgres: a fresh database on BENCH_PG_URL, dropped afterwards)
  --redis                  run with REDIS_URL (default redis://127.0.0.1:6379/0, or BENCH_REDIS_URL)
  --rate-limits            rate limits on (every request counts its windows; limits set far above the load)
  --algorithm ALG          the service's ALGORITHM: HS256 (default), HS384, HS512, EdDSA, ES256, RS256
  --no-build               use the existing dist/ (default: npm run build first)
  --duration S             seconds measured per round (default 10)
  --warmup S               seconds of warm-up per scenario (default 3)
  --connections N          concurrent connections (default 50)
  --rounds N               rounds per scenario; the median is reported (default 3)
  --scenarios a,b          subset of: ${ALL_SCENARIOS.join(', ')}
  --jobs N                 jobs seeded for the big jobs user (default 100000; the small one has 1000)
  --login-connections N    concurrent logins in the login scenario (default 4)
  --probe-rate N           req/s of the me-jwt latency probe beside the login load (default 200)
  --storm-connections N    concurrent anonymous registrations (each from its own address) in hash-storm (default 64)
  --gate-users N           verify-*: callers whose credentials rotate over the gate's connections (default 1000)
  --gate-connections N     verify-*: keep-alive connections, as a gateway holds them (default 16); bare is measured
                           at the same count beside them (bare-gate)
  --gate-soak N            instead of the scenarios: N forwarded requests over two instances on one database, then
                           usage.total_requests summed over the users must be exactly what was sent; RSS before/after
  --webhook-rate N         req/s of POST …/suspend in the webhooks scenario, with none and with 3 endpoints (default 100)
  --soak [N]               instead of the scenarios: N authenticated requests (default 1000000), RSS before/after
  --entry FILE             benchmark another build of the service (default dist/src/main.js; implies --no-build)
  --no-pin                 do not pin the server and the load generator to separate cores
  --no-save                do not write bench/results/<date>-<db>.json
  --report FILE            print the table of a saved result and exit
  --same-time-rounds N     rounds of health, me-jwt and me-apikey loaded at the same time as bare, both on the
                           server core: a ratio to bare that other load on the machine does not move (default 3; 0: off)
  --compare FILE           this build against another (FILE: its dist/src/main.js), both loaded at the same time on
                           the server core: me-jwt and me-apikey throughput ratio per round (noise-robust A/B)
  --cpu-prof DIR           write a V8 CPU profile of the service to DIR (open it in Chrome DevTools; figures are then lower)
`;

// ---------------------------------------------------------------------------------------------- options
const { values: args } = parseArgs({
  options: {
    db: { type: 'string', default: 'sqlite' },
    redis: { type: 'boolean', default: false },
    'rate-limits': { type: 'boolean', default: false },
    algorithm: { type: 'string', default: 'HS256' },
    'no-build': { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    rounds: { type: 'string', default: '3' },
    scenarios: { type: 'string', default: ALL_SCENARIOS.join(',') },
    jobs: { type: 'string', default: '100000' },
    'login-connections': { type: 'string', default: '4' },
    'probe-rate': { type: 'string', default: '200' },
    'storm-connections': { type: 'string', default: '64' },
    'webhook-rate': { type: 'string', default: '100' },
    soak: { type: 'boolean', default: false },
    'gate-users': { type: 'string', default: '1000' },
    'gate-connections': { type: 'string', default: '16' },
    'gate-soak': { type: 'string' },
    entry: { type: 'string' },
    'no-pin': { type: 'boolean', default: false },
    'no-save': { type: 'boolean', default: false },
    report: { type: 'string' },
    'cpu-prof': { type: 'string' },
    compare: { type: 'string' },
    'same-time-rounds': { type: 'string', default: '3' },
    help: { type: 'boolean', default: false },
  },
  allowPositionals: true,
});
if (args.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const int = (name, min = 1) => {
  const v = Number(args[name]);
  if (!Number.isInteger(v) || v < min) fail(`--${name} must be an integer ≥ ${min}`);
  return v;
};
const opts = {
  db: args.db,
  redis: args.redis,
  rateLimits: args['rate-limits'],
  algorithm: args.algorithm,
  build: !args['no-build'] && !args.entry,
  entry: args.entry ? resolve(args.entry) : 'dist/src/main.js',
  duration: int('duration'),
  warmup: int('warmup', 0),
  connections: int('connections'),
  rounds: int('rounds'),
  scenarios: args.scenarios
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
  bigJobs: int('jobs'),
  smallJobs: 1000,
  loginConnections: int('login-connections'),
  probeRate: int('probe-rate'),
  stormConnections: int('storm-connections'),
  webhookRate: int('webhook-rate'),
  soak: args.soak ? Number(process.argv[process.argv.indexOf('--soak') + 1]) || 1_000_000 : 0,
  pin: !args['no-pin'],
  save: !args['no-save'],
  compare: args.compare ? resolve(args.compare) : undefined,
  sameTimeRounds: int('same-time-rounds', 0),
  gateUsers: int('gate-users'),
  gateConnections: int('gate-connections'),
  gateSoak: args['gate-soak'] ? int('gate-soak') : 0,
};
// The gate is measured as it runs: with rate limits counted on every decision; its callers are many users.
if (opts.gateSoak || opts.scenarios.some((s) => VERIFY.includes(s))) opts.rateLimits = true;
/** Cost-12 hashing is only measured by login/refresh; the gate's thousand callers are registered at cost 4. */
opts.bcryptRounds =
  opts.gateSoak ||
  (opts.scenarios.some((s) => VERIFY.includes(s)) && !opts.scenarios.some((s) => s === 'login' || s === 'refresh'))
    ? 4
    : 12;
if (!['sqlite', 'postgres'].includes(opts.db)) fail('--db must be sqlite or postgres');
if (!['HS256', 'HS384', 'HS512', 'EdDSA', 'ES256', 'RS256'].includes(opts.algorithm))
  fail('--algorithm must be one of HS256, HS384, HS512, EdDSA, ES256, RS256');
for (const s of opts.scenarios)
  if (!ALL_SCENARIOS.includes(s)) fail(`unknown scenario "${s}" (known: ${ALL_SCENARIOS.join(', ')})`);

function fail(message) {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}
const log = (m) => process.stderr.write(`[bench] ${m}\n`);

// ---------------------------------------------------------------------------------------------- pinning
const cpuCount = os.availableParallelism();
const taskset = spawnSync('taskset', ['--version']).status === 0;
const pinned = opts.pin && taskset && cpuCount >= 2;
const SERVER_CPU = '0';
const LOADGEN_CPU = '1';
if (pinned) execFileSync('taskset', ['-a', '-cp', LOADGEN_CPU, String(process.pid)], { stdio: 'ignore' });
const pinNote = pinned
  ? `server pinned to CPU ${SERVER_CPU}, load generator to CPU ${LOADGEN_CPU} (taskset)`
  : `not pinned (${!taskset ? 'taskset not available' : cpuCount < 2 ? 'one CPU' : '--no-pin'}): server and load generator share ${cpuCount} CPU(s)`;
const serverCores = pinned ? 1 : cpuCount;

// ---------------------------------------------------------------------------------------------- helpers
const median = (xs) => {
  const s = xs.filter((x) => x !== null && x !== undefined && !Number.isNaN(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const round = (x, d = 2) => (x === null || x === undefined ? null : Math.round(x * 10 ** d) / 10 ** d);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Latencies in ms (float, from the load generator's own clock), for sub-millisecond percentiles. */
class Recorder {
  constructor() {
    this.values = [];
    this.ok = 0;
    this.non2xx = 0;
    this.socketErrors = 0;
  }
  add(ms, status) {
    this.values.push(ms);
    if (status >= 200 && status < 300) this.ok++;
    else this.non2xx++;
  }
  percentile(p) {
    if (!this.values.length) return null;
    if (!this.sorted) this.sorted = Float64Array.from(this.values).sort();
    return this.sorted[Math.min(this.sorted.length - 1, Math.floor((p / 100) * this.sorted.length))];
  }
}

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)\s*kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}
const mb = (kb) => (kb === null ? null : round(kb / 1024, 1));

async function api(base, method, path, { body, headers = {}, form } = {}) {
  const init = { method, headers: { ...headers } };
  if (form) {
    init.body = new URLSearchParams(form).toString();
    init.headers['content-type'] = 'application/x-www-form-urlencoded';
  } else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['content-type'] = 'application/json';
  }
  const res = await fetch(base + path, init);
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

async function expectOk(promise, what) {
  const r = await promise;
  if (r.status < 200 || r.status >= 300) throw new Error(`${what}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  return r.json;
}

// ---------------------------------------------------------------------------------------------- processes
const children = new Set();
const cleanups = [];

async function startProcess(name, argv, env, readyUrl, logDir) {
  const cmd = pinned ? ['taskset', '-c', SERVER_CPU, ...argv] : argv;
  const child = spawn(cmd[0], cmd.slice(1), { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = createWriteStream(join(logDir, `${name}.log`));
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  children.add(child);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = { code, signal };
    children.delete(child);
  });
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (exited)
      throw new Error(`${name} exited during start-up (${JSON.stringify(exited)}); see ${join(logDir, name + '.log')}`);
    try {
      const res = await fetch(readyUrl);
      await res.arrayBuffer();
      if (res.status === 200) return child;
    } catch {
      /* not listening yet */
    }
    await sleep(200);
  }
  throw new Error(`${name} did not become ready at ${readyUrl}`);
}

async function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await done;
  clearTimeout(t);
}

async function cleanup() {
  for (const c of [...children]) await stopProcess(c).catch(() => undefined);
  for (const fn of cleanups.splice(0).reverse()) await fn().catch((err) => log(`cleanup: ${err.message}`));
}
for (const sig of ['SIGINT', 'SIGTERM'])
  process.on(sig, () => {
    log(`${sig}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });

// ---------------------------------------------------------------------------------------------- load
/** One autocannon run; latencies are recorded by us (float ms) as well as by autocannon (integer ms). */
function cannon(
  url,
  {
    duration,
    connections,
    method = 'GET',
    headers = {},
    body,
    amount,
    connectionRate,
    overallRate,
    onBody,
    setupRequest,
    timeout = 30,
  },
) {
  const rec = new Recorder();
  const started = performance.now();
  return new Promise((resolveRun, reject) => {
    autocannon(
      {
        url,
        method,
        headers,
        body,
        connections,
        ...(amount ? { amount } : { duration }),
        connectionRate,
        overallRate,
        timeout,
        requests:
          onBody || setupRequest
            ? [{ ...(onBody ? { onResponse: (status, resBody) => onBody(status, resBody) } : {}), setupRequest }]
            : undefined,
        setupClient: (client) => {
          client.on('response', (status, _bytes, ms) => rec.add(ms, status));
        },
      },
      (err, result) => {
        if (err) return reject(err);
        const seconds = (performance.now() - started) / 1000;
        rec.socketErrors = result.errors;
        resolveRun({ rec, seconds, result });
      },
    );
  });
}

/**
 * An open-loop load at a fixed rate: request i leaves at start + i / rate, evenly spaced, over up to `connections`
 * keep-alive connections (more wait for one), and its latency counts from when it was due, so a slow answer that
 * delays the next sends is not hidden (coordinated omission). autocannon's rate option is no such load: each
 * connection sends its share of the second at once and then waits for the next, so the server gets a burst every
 * second and latency measures the burst's queue.
 */
function paced(url, { duration, rate, connections, method = 'GET', headers = {}, body }) {
  const rec = new Recorder();
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const target = new URL(url);
  const payload = body === undefined ? undefined : Buffer.from(body);
  const total = Math.round(duration * rate);
  const interval = 1000 / rate;
  const started = performance.now();
  let answered = 0;
  return new Promise((resolveRun) => {
    const done = () => {
      if (++answered < total) return;
      agent.destroy();
      resolveRun({ rec, seconds: (performance.now() - started) / 1000 });
    };
    const send = (due) => {
      const req = http.request(
        {
          agent,
          hostname: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method,
          headers: payload ? { ...headers, 'content-length': payload.length } : headers,
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            rec.add(performance.now() - due, res.statusCode);
            done();
          });
        },
      );
      req.on('error', () => {
        rec.socketErrors++;
        done();
      });
      // An answer that never comes counts as an error after 30 s instead of holding the run open.
      req.setTimeout(30_000, () => req.destroy(new Error('timed out')));
      req.end(payload);
    };
    let next = 0;
    const tick = () => {
      const now = performance.now();
      while (next < total && started + next * interval <= now) send(started + next++ * interval);
      if (next < total) setTimeout(tick, Math.max(0, started + next * interval - performance.now()));
    };
    tick();
  });
}

const summarize = ({ rec, seconds }) => ({
  rps: rec.ok / seconds,
  p50: rec.percentile(50),
  p99: rec.percentile(99),
  errors: rec.non2xx + rec.socketErrors,
  requests: rec.values.length,
});

/** Fixed-concurrency chains where each request needs the previous response (refresh-token rotation). */
async function chains(base, tokens, seconds, rec) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: tokens.length });
  const { hostname, port } = new URL(base);
  const post = (token) =>
    new Promise((resolvePost) => {
      const payload = JSON.stringify({ refresh_token: token });
      const req = http.request(
        {
          agent,
          hostname,
          port,
          method: 'POST',
          path: '/auth/refresh',
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          const parts = [];
          res.on('data', (c) => parts.push(c));
          res.on('end', () => resolvePost({ status: res.statusCode, body: Buffer.concat(parts).toString('utf8') }));
        },
      );
      req.on('error', () => resolvePost({ status: 0, body: '' }));
      req.end(payload);
    });
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  // Each chain stops cleanly between requests, so its last refresh token stays valid for the next round.
  await Promise.all(
    tokens.map(async (state) => {
      while (!state.dead && performance.now() < deadline) {
        const t0 = performance.now();
        const r = await post(state.token);
        const ms = performance.now() - t0;
        if (r.status === 0) rec.socketErrors++;
        else rec.add(ms, r.status);
        const next = r.status === 200 ? safeJson(r.body)?.refresh_token : undefined;
        if (next) state.token = next;
        else state.dead = true;
      }
    }),
  );
  agent.destroy();
  return (performance.now() - started) / 1000;
}
const safeJson = (s) => {
  try {
    return JSON.parse(s);
  } catch {
    return undefined;
  }
};

// ---------------------------------------------------------------------------------------------- seeding
async function seedJobs(db, userId, count) {
  // The user's running totals (job_stats) for jobs seeded behind the service's back: the JobStats migration's
  // backfill, for one user (none against an older build without the table, see --entry).
  const jobStatsBackfill = (seconds, param) => `
    INSERT INTO "job_stats" ("user_id", "status", "task", "language", "jobs", "duration_sum", "durations")
    SELECT "user_id", "status", "task", COALESCE("detected_language", ''), COUNT(*), COALESCE(SUM(${seconds}), 0), COUNT("completed_at")
      FROM "transcription_jobs" WHERE "user_id" = ${param}
     GROUP BY "user_id", "status", "task", COALESCE("detected_language", '')
    ON CONFLICT ("user_id", "status", "task", "language") DO UPDATE SET
      "jobs" = "job_stats"."jobs" + excluded."jobs",
      "duration_sum" = "job_stats"."duration_sum" + excluded."duration_sum",
      "durations" = "job_stats"."durations" + excluded."durations"`;
  const statuses = [
    'completed',
    'completed',
    'completed',
    'completed',
    'completed',
    'completed',
    'completed',
    'failed',
    'pending',
    'processing',
  ];
  const tasks = ['transcribe', 'transcribe', 'translate', 'tts'];
  const now = Date.now();
  const batch = 5000;
  if (db.kind === 'sqlite') {
    const Database = require('better-sqlite3');
    const conn = new Database(db.file);
    conn.pragma('busy_timeout = 10000');
    const ins = conn.prepare(
      `INSERT INTO transcription_jobs (id, job_id, user_id, filename, status, task, transcript, error, detected_language, translated_to, with_diarization, created_at, updated_at, started_at, completed_at)
       VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const t = (ms) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
    const insertMany = conn.transaction((from, to) => {
      for (let i = from; i < to; i++) {
        const status = statuses[i % statuses.length];
        const task = tasks[i % tasks.length];
        const created = now - (count - i) * 60_000;
        const done = status === 'completed' || status === 'failed';
        ins.run(
          randomUUID(),
          randomUUID(),
          userId,
          `recording-${i}.wav`,
          status,
          task,
          status === 'failed' ? 'decoder error' : null,
          'en',
          task === 'translate' ? 'de' : null,
          i % 5 === 0 ? 1 : 0,
          t(created),
          t(created + 30_000),
          status === 'pending' ? null : t(created + 1_000),
          done ? t(created + 30_000) : null,
        );
      }
    });
    for (let i = 0; i < count; i += batch) insertMany(i, Math.min(count, i + batch));
    if (conn.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'job_stats'`).get())
      conn
        .prepare(jobStatsBackfill('(julianday("completed_at") - julianday("created_at")) * 86400.0', '?'))
        .run(userId);
    conn.exec('ANALYZE');
    conn.close();
    return;
  }
  const { Client } = require('pg');
  const c = new Client({ connectionString: db.url });
  await c.connect();
  for (let i = 0; i < count; i += batch) {
    const n = Math.min(batch, count - i);
    await c.query(
      `INSERT INTO transcription_jobs (id, job_id, user_id, filename, status, task, error, detected_language, translated_to, with_diarization, created_at, updated_at, started_at, completed_at)
       SELECT gen_random_uuid(), gen_random_uuid(), $1, 'recording-' || g || '.wav', s.status::job_status, k.task::job_task,
              CASE WHEN s.status = 'failed' THEN 'decoder error' END, 'en', CASE WHEN k.task = 'translate' THEN 'de' END, g % 5 = 0,
              to_timestamp($2::double precision / 1000) - ($3 - g) * interval '1 minute',
              to_timestamp($2::double precision / 1000) - ($3 - g) * interval '1 minute' + interval '30 seconds',
              CASE WHEN s.status <> 'pending' THEN to_timestamp($2::double precision / 1000) - ($3 - g) * interval '1 minute' + interval '1 second' END,
              CASE WHEN s.status IN ('completed', 'failed') THEN to_timestamp($2::double precision / 1000) - ($3 - g) * interval '1 minute' + interval '30 seconds' END
         FROM generate_series($4::int, $5::int) g
         CROSS JOIN LATERAL (SELECT ($6::text[])[g % 10 + 1] AS status) s
         CROSS JOIN LATERAL (SELECT ($7::text[])[g % 4 + 1] AS task) k`,
      [userId, now, count, i, i + n - 1, statuses, tasks],
    );
  }
  if ((await c.query(`SELECT to_regclass('job_stats') AS t`)).rows[0].t)
    await c.query(jobStatsBackfill('EXTRACT(EPOCH FROM ("completed_at" - "created_at"))', '$1::uuid'), [userId]);
  await c.query('ANALYZE transcription_jobs');
  await c.end();
}

async function createPgDatabase() {
  const { Client } = require('pg');
  const adminUrl = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const name = `vg_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  cleanups.push(async () => {
    const c = new Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await c.end();
    log(`dropped database ${name}`);
  });
  return { kind: 'postgres', url: adminUrl.replace(/\/[^/?]+(\?|$)/, `/${name}$1`), name };
}

// ---------------------------------------------------------------------------------------------- main
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

/** CPU time (user + system, all threads) the process has used, in µs. */
function cpuUs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1e6) / CLK_TCK;
  } catch {
    return null;
  }
}

/** Runs one measured load and adds the server's RSS and CPU time per request to the summary. */
async function measured(pid, load) {
  const c0 = cpuUs(pid);
  const out = await load();
  const c1 = cpuUs(pid);
  const r = out.rec ? summarize(out) : out;
  r.cpuUsPerReq = c0 === null || c1 === null || !r.requests ? null : (c1 - c0) / r.requests;
  r.rssMb = mb(rssKb(pid));
  await settle(pid); // requests the load generator abandoned at the deadline must not run into the next measurement
  return r;
}

const httpScenario = (name, pid, url, extra = {}) => ({
  name,
  url,
  warm: async () => {
    await cannon(url, { duration: opts.warmup, connections: opts.connections, ...extra });
    await settle(pid());
  },
  measure: () =>
    measured(pid(), () => cannon(url, { duration: opts.duration, connections: opts.connections, ...extra })),
});

/**
 * The service's environment: production; rate limits off (the defaults would answer 429 within a second), or with
 * `--rate-limits` on and counted on every request but set far above what a run sends.
 */
const UNREACHED = '1000000000';
function serviceEnv(port, db) {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    SECRET_KEY: randomBytes(48).toString('base64url'),
    ENCRYPTION_KEY: randomBytes(32).toString('base64url') + '=',
    ALGORITHM: opts.algorithm,
    RATE_LIMIT_ENABLED: opts.rateLimits ? 'true' : 'false',
    ...(opts.rateLimits
      ? Object.fromEntries(
          [
            'USER_PER_MINUTE',
            'USER_PER_HOUR',
            'USER_PER_DAY',
            'ANON_PER_MINUTE',
            'ANON_PER_HOUR',
            'ANON_PER_DAY',
            'AUTH_PER_MINUTE',
          ].map((k) => [`RATE_LIMIT_${k}`, UNREACHED]),
        )
      : {}),
    BCRYPT_ROUNDS: String(opts.bcryptRounds),
    TRUST_PROXY: 'true', // hash-storm sends each registration from its own address
    // The webhooks scenario's receivers listen on loopback (refused in production otherwise).
    WEBHOOK_ALLOW_PRIVATE: 'true',
    DATABASE_URL: db.kind === 'postgres' ? db.url : `sqlite:${db.file}`,
    ...(opts.redis ? { REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0' } : {}),
  };
}

/** Registers (and signs in) a user: its id, API key and tokens. */
async function registerUser(base, tag, password, withLogin = true) {
  const username = `bench_${tag}_${randomBytes(3).toString('hex')}`;
  const u = await expectOk(
    api(base, 'POST', '/auth/register', { body: { email: `${username}@example.com`, username, password } }),
    `register ${tag}`,
  );
  const login = withLogin
    ? await expectOk(api(base, 'POST', '/auth/login', { body: { username, password } }), `login ${tag}`)
    : null;
  return {
    id: u.id,
    username,
    apiKey: u.api_key,
    access: login?.tokens.access_token,
    refresh: login?.tokens.refresh_token,
  };
}

/**
 * `--compare FILE`: this build (dist/src/main.js) and another (FILE) served side by side on the server core and
 * loaded at the same time, so whatever else the machine does slows both alike. Sequential runs on a shared VM
 * drift by ±10 %; the same-time ratio of two builds repeats within ~2 % (an A/A run shows the floor).
 */
async function compareBuilds(tmp) {
  const password = `Bench-${randomBytes(12).toString('base64url')}`;
  const builds = [];
  for (const [name, entry] of [
    ['this', resolve(ROOT, 'dist/src/main.js')],
    ['other', opts.compare],
  ]) {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = await startProcess(
      name,
      ['node', entry],
      serviceEnv(port, { kind: 'sqlite', file: join(tmp, `${name}.db`) }),
      `${base}/health`,
      tmp,
    );
    const me = await registerUser(base, 'me', password);
    // A scoped, expiring key where the build has several keys per user (else its plain key: today's figure).
    const scoped = await api(base, 'POST', '/auth/api-keys', {
      headers: { authorization: `Bearer ${me.access}` },
      body: { name: 'bench-scoped', scopes: ['profile:read', 'jobs:read'], expires_in_days: 30 },
    });
    builds.push({ name, entry, base, child, me, scopedKey: scoped.status === 201 ? scoped.json.key : me.apiKey });
    log(`${name}: me-apikey-scoped uses ${scoped.status === 201 ? 'a scoped, expiring key' : 'the plain key'}`);
  }
  const scenarios = [
    ['me-jwt', (b) => ({ headers: { authorization: `Bearer ${b.me.access}` } })],
    ['me-apikey', (b) => ({ headers: { 'x-api-key': b.me.apiKey } })],
    ['me-apikey-scoped', (b) => ({ headers: { 'x-api-key': b.scopedKey } })],
  ];
  const load = (b, extra, duration) =>
    cannon(`${b.base}/auth/me`, { duration, connections: opts.connections, ...extra(b) });
  const rows = [];
  for (const [name, extra] of scenarios) {
    await Promise.all(builds.map((b) => load(b, extra, opts.warmup)));
    const ratios = [];
    for (let i = 0; i < opts.rounds; i++) {
      const [a, b] = await Promise.all(
        builds.map((build) => measured(build.child.pid, () => load(build, extra, opts.duration))),
      );
      ratios.push(b.rps / a.rps);
      log(
        `${name} round ${i + 1}: this ${a.rps.toFixed(0)} req/s (${a.cpuUsPerReq?.toFixed(0)} µs/req), other ${b.rps.toFixed(0)} req/s (${b.cpuUsPerReq?.toFixed(0)} µs/req), other/this ${b.rps / a.rps > 0 ? (b.rps / a.rps).toFixed(3) : '–'}`,
      );
    }
    rows.push(`| ${name} | ${ratios.map((r) => r.toFixed(3)).join(' ')} | ${median(ratios).toFixed(3)} |`);
  }
  for (const b of builds) await stopProcess(b.child);
  process.stdout.write(
    `\nthis: dist/src/main.js, other: ${opts.compare} — both on one core, loaded at once (${opts.connections} connections each)\n\n| scenario | other/this per round | median |\n|---|---|---|\n${rows.join('\n')}\n`,
  );
}

async function main() {
  const started = new Date();
  log(pinNote);
  if (opts.build) {
    log('npm run build');
    const b = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    if (b.status !== 0) throw new Error('npm run build failed');
  }
  const tmp = mkdtempSync(join(os.tmpdir(), 'voicegate-bench-'));
  cleanups.push(async () => rmSync(tmp, { recursive: true, force: true }));
  if (opts.compare) return compareBuilds(tmp);
  const selected = new Set(opts.soak || opts.gateSoak ? [] : opts.scenarios);
  const scenarios = [];
  const results = { scenarios: {} };

  // ---- the ceiling: a bare Nest-on-Fastify app, kept running beside the service so rounds can interleave
  let bare;
  if (selected.has('bare')) {
    const port = await freePort();
    bare = await startProcess(
      'bare',
      ['node', 'bench/bare-app.mjs', String(port)],
      { PATH: process.env.PATH, NODE_ENV: 'production' },
      `http://127.0.0.1:${port}/bare`,
      tmp,
    );
    scenarios.push(httpScenario('bare', () => bare.pid, `http://127.0.0.1:${port}/bare`));
    // The gate's yardstick: bare at the gate's connection count (latency depends on it).
    if (VERIFY.some((v) => selected.has(v)))
      scenarios.push(
        httpScenario('bare-gate', () => bare.pid, `http://127.0.0.1:${port}/bare`, {
          connections: opts.gateConnections,
        }),
      );
  }

  // ---- the service
  const db = opts.db === 'postgres' ? await createPgDatabase() : { kind: 'sqlite', file: join(tmp, 'bench.db') };
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = serviceEnv(port, db);
  log(
    `starting ${opts.entry} on ${db.kind === 'postgres' ? 'PostgreSQL ' + db.name : 'SQLite ' + db.file}${opts.redis ? ' with Redis' : ''}`,
  );
  const profile = args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(args['cpu-prof'])}`] : [];
  const server = await startProcess('voicegate', ['node', ...profile, opts.entry], env, `${base}/health`, tmp);
  const pid = () => server.pid;

  // One user per scenario family, so the scenarios do not disturb each other's caches or rows.
  const password = `Bench-${randomBytes(12).toString('base64url')}`;
  const newUser = (tag, withLogin = true) => registerUser(base, tag, password, withLogin);
  const me = await newUser('me');

  if (opts.gateSoak) {
    results.gate_soak = await gateSoak(base, server, env, tmp, newUser);
  } else if (opts.soak) {
    results.soak = await soak(base, server.pid, me);
  } else {
    if (VERIFY.some((v) => selected.has(v))) {
      const callers = await gateCallers(newUser);
      for (const [name, header] of [
        ['verify-jwt', (u) => ({ authorization: `Bearer ${u.access}` })],
        ['verify-apikey', (u) => ({ 'x-api-key': u.apiKey })],
      ])
        if (selected.has(name))
          scenarios.push(httpScenario(name, pid, `${base}/auth/verify`, gateLoad(callers, header)));
    }
    if (selected.has('health')) scenarios.push(httpScenario('health', pid, `${base}/health`));
    if (selected.has('me-jwt'))
      scenarios.push(
        httpScenario('me-jwt', pid, `${base}/auth/me`, { headers: { authorization: `Bearer ${me.access}` } }),
      );
    if (selected.has('me-apikey'))
      scenarios.push(httpScenario('me-apikey', pid, `${base}/auth/me`, { headers: { 'x-api-key': me.apiKey } }));
    if (selected.has('me-apikey-scoped')) {
      // A key of its own (several per user): two scopes and an expiry.
      const scoped = await expectOk(
        api(base, 'POST', '/auth/api-keys', {
          headers: { authorization: `Bearer ${me.access}` },
          body: {
            name: 'bench-scoped',
            scopes: ['profile:read', 'jobs:read'],
            expires_in_days: 30,
          },
        }),
        'create a scoped key',
      );
      scenarios.push(
        httpScenario('me-apikey-scoped', pid, `${base}/auth/me`, { headers: { 'x-api-key': scoped.key } }),
      );
    }

    const jobSizes = [];
    if (selected.has('jobs-list') || selected.has('jobs-stats')) {
      const probe = await api(base, 'GET', '/jobs/?limit=1', { headers: { authorization: `Bearer ${me.access}` } });
      if (probe.status === 404) {
        log('GET /jobs/ answers 404: the jobs routes are not there yet; jobs scenarios skipped');
        for (const s of ['jobs-list', 'jobs-stats'])
          if (selected.has(s))
            results.scenarios[s] = { skipped: 'GET /jobs/ answered 404 (jobs routes not built yet)' };
      } else {
        jobSizes.push(['small', opts.smallJobs], ['big', opts.bigJobs]);
        for (const [label, n] of jobSizes) {
          const u = await newUser(`jobs_${n}`);
          const t0 = performance.now();
          await seedJobs(db, u.id, n);
          log(`seeded ${n} jobs for ${u.username} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
          for (const [scenario, path] of [
            ['jobs-list', '/jobs/?limit=50'],
            ['jobs-stats', '/jobs/stats/summary'],
          ])
            if (selected.has(scenario))
              scenarios.push(
                httpScenario(`${scenario}@${label}`, pid, base + path, {
                  headers: { authorization: `Bearer ${u.access}` },
                }),
              );
        }
      }
    }

    let login;
    if (selected.has('login')) {
      login = await loginScenario(base, pid, me);
      scenarios.push(login);
    }
    if (selected.has('refresh')) scenarios.push(await refreshScenario(base, pid, login?.refreshTokens ?? []));
    if (selected.has('hash-storm')) scenarios.push(hashStormScenario(base, pid, me));
    const webhooks = selected.has('webhooks') ? await webhooksScenario(base, pid, db, newUser) : undefined;

    // Warm every scenario, then interleave the rounds, so a noisy neighbour biases no scenario against another.
    if (opts.warmup)
      for (const s of scenarios) {
        log(`warm-up ${s.name}`);
        await s.warm();
      }
    const rounds = Object.fromEntries(scenarios.map((s) => [s.name, []]));
    for (let i = 0; i < opts.rounds; i++)
      for (const s of scenarios) {
        const r = await s.measure();
        rounds[s.name].push(r);
        log(
          `${s.name} round ${i + 1}: ${r.rps.toFixed(r.rps < 100 ? 2 : 0)} req/s, p50 ${r.p50?.toFixed(2)} ms, p99 ${r.p99?.toFixed(2)} ms, errors ${r.errors}, ` +
            `CPU ${r.cpuUsPerReq?.toFixed(0)} µs/req, RSS ${r.rssMb} MB${s.describe ? ', ' + s.describe(r) : ''}`,
        );
      }
    if (webhooks) results.scenarios.webhooks = await webhooks.run();
    const sameTime = await sameTimeRatios(scenarios);
    for (const s of scenarios) {
      const agg = aggregate(rounds[s.name]);
      if (sameTime[s.name]) agg.same_time = sameTime[s.name];
      const m = /^(.*)@(small|big)$/.exec(s.name);
      if (!m) results.scenarios[s.name] = s.finish ? s.finish(agg, rounds[s.name]) : agg;
      else (results.scenarios[m[1]] ??= {})[m[2]] = agg;
    }
    for (const name of ['jobs-list', 'jobs-stats']) {
      const j = results.scenarios[name];
      if (!j || j.skipped) continue;
      results.scenarios[name] = {
        ...j.big,
        jobs: opts.bigJobs,
        at_small: { jobs: opts.smallJobs, ...j.small },
        p50_vs_small: round(j.big.p50 / j.small.p50),
        rps_small_over_big: round(j.small.rps / j.big.rps),
      };
    }
  }

  results.server_rss_mb_end = mb(rssKb(server.pid));
  await stopProcess(server);
  if (bare) await stopProcess(bare);

  // ---- report
  const bareResult = results.scenarios.bare;
  const order = ['bare', 'bare-gate', ...ALL_SCENARIOS.filter((s) => s !== 'bare')];
  results.scenarios = Object.fromEntries(
    Object.entries(results.scenarios).sort((a, b) => order.indexOf(a[0]) - order.indexOf(b[0])),
  );
  for (const [name, s] of Object.entries(results.scenarios)) {
    if (!bareResult || s.skipped || name === 'bare' || name === 'login' || name === 'hash-storm' || name === 'webhooks')
      continue; // login's and hash-storm's yardstick is bcrypt, webhooks' the route without endpoints
    // The gate's scenarios compare with bare at their own connection count.
    const yardstick =
      VERIFY.includes(name) && results.scenarios['bare-gate'] ? results.scenarios['bare-gate'] : bareResult;
    s.rps_vs_bare = round(s.rps / yardstick.rps, 3);
    s.p99_vs_bare = round(s.p99 / yardstick.p99, 2);
    if (s.cpu_us_per_req && bareResult.cpu_us_per_req)
      s.cpu_vs_bare = round(s.cpu_us_per_req / bareResult.cpu_us_per_req, 2);
  }
  const report = {
    date: started.toISOString(),
    db: opts.db,
    redis: opts.redis,
    rate_limits: opts.rateLimits,
    algorithm: opts.algorithm,
    machine: machine(),
    pinning: pinNote,
    load_average_at_start: os.loadavg().map((x) => round(x, 2)),
    settings: {
      duration_s: opts.duration,
      warmup_s: opts.warmup,
      connections: opts.connections,
      rounds: opts.rounds,
      login_connections: opts.loginConnections,
      probe_rate: opts.probeRate,
      bcrypt_rounds: opts.bcryptRounds,
      gate_users: opts.gateUsers,
      gate_connections: opts.gateConnections,
    },
    bcrypt_compare_ms: results.scenarios.login?.bcrypt_compare_ms ?? null,
    server_cores: serverCores,
    ...results,
  };
  process.stdout.write(table(report));
  if (opts.save) {
    const dir = join(ROOT, 'bench', 'results');
    mkdirSync(dir, { recursive: true });
    const file = join(
      dir,
      `${started.toISOString().slice(0, 10)}-${opts.db}${opts.redis ? '-redis' : ''}${opts.rateLimits ? '-ratelimits' : ''}${opts.algorithm !== 'HS256' ? `-${opts.algorithm.toLowerCase()}` : ''}${opts.soak ? '-soak' : ''}${opts.gateSoak ? '-gate-soak' : ''}${VERIFY.some((v) => selected.has(v)) ? '-gate' : ''}.json`,
    );
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    log(`wrote ${file}`);
  }
}

/**
 * The ratio to bare measured a second way: bare and the scenario loaded at the same time, both on the server core.
 * The scheduler gives each half the core, so requests/s compare as the inverse of CPU per request — and whatever
 * else the machine does between rounds (this VM's neighbours move bare by ±10 %) slows both alike.
 */
async function sameTimeRatios(scenarios) {
  const out = {};
  for (const s of scenarios.filter((x) => SAME_TIME.includes(x.name))) {
    const bare = scenarios.find((x) => x.name === (VERIFY.includes(s.name) ? 'bare-gate' : 'bare'));
    if (!bare || opts.sameTimeRounds === 0) continue;
    const ratios = [];
    const p99s = [];
    for (let i = 0; i < opts.sameTimeRounds; i++) {
      const [b, r] = await Promise.all([bare.measure(), s.measure()]);
      p99s.push(r.p99 / b.p99);
      ratios.push(r.rps / b.rps);
      log(
        `${s.name} beside bare, round ${i + 1}: ${r.rps.toFixed(0)} vs ${b.rps.toFixed(0)} req/s (${(r.rps / b.rps).toFixed(3)}), CPU ${r.cpuUsPerReq?.toFixed(0)} vs ${b.cpuUsPerReq?.toFixed(0)} µs/req`,
      );
    }
    out[s.name] = {
      rps_vs_bare: round(median(ratios), 3),
      rounds: ratios.map((x) => round(x, 3)),
      p99_vs_bare: round(median(p99s), 2),
    };
  }
  return out;
}

function aggregate(rounds) {
  const pick = (k) => median(rounds.map((r) => r[k]));
  return {
    rps: round(pick('rps'), pick('rps') < 100 ? 2 : 0),
    p50: round(pick('p50'), 3),
    p99: round(pick('p99'), 3),
    errors: pick('errors'),
    errors_total: rounds.reduce((n, r) => n + r.errors, 0),
    cpu_us_per_req: round(pick('cpuUsPerReq'), 1),
    rss_mb: pick('rssMb'),
    rounds: rounds.map((r) => ({
      rps: round(r.rps, r.rps < 100 ? 2 : 0),
      p50: round(r.p50, 3),
      p99: round(r.p99, 3),
      errors: r.errors,
      cpu_us_per_req: round(r.cpuUsPerReq, 1),
      rss_mb: r.rssMb,
    })),
  };
}

/** Makes a registered user an admin behind the service's back (the bench has no admin otherwise). */
async function promoteToAdmin(db, userId) {
  if (db.kind === 'sqlite') {
    const Database = require('better-sqlite3');
    const conn = new Database(db.file);
    conn.pragma('busy_timeout = 10000');
    conn.prepare(`UPDATE users SET role = 'admin' WHERE id = ?`).run(userId);
    conn.close();
    return;
  }
  const { Client } = require('pg');
  const c = new Client({ connectionString: db.url });
  await c.connect();
  await c.query(`UPDATE users SET role = 'admin' WHERE id = $1`, [userId]);
  await c.end();
}

/**
 * A write route's latency with and without webhook endpoints: POST …/suspend at a fixed rate, rounds alternating
 * between no endpoint and three enabled endpoints (receivers in this process answering 200), each round waiting
 * for the deliveries of the one before. Delivery is off the request path, so the p99s should match within ~10 %;
 * the worker's sends still share the server's core.
 */
/** The webhooks scenario's receivers: 200 to every delivery; prints its port, answers "count" with the deliveries. */
const RECEIVER_SCRIPT = `
const http = require('node:http');
let received = 0;
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { received++; res.writeHead(200).end(); });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.on('message', () => process.send(received));
process.on('disconnect', () => process.exit(0));
`;

async function webhooksScenario(base, pid, db, newUser) {
  const adminUser = await newUser('webhooks_admin', false);
  await promoteToAdmin(db, adminUser.id); // before the key's first use, so no cached principal holds the old role
  const target = await newUser('webhooks_target', false);
  const headers = { 'x-api-key': adminUser.apiKey, 'content-type': 'application/json' };
  // The receivers run in a process of their own: answering 300 deliveries a second on the load generator's event
  // loop would delay its reading of the responses it times, and the route's latency would look worse than it is.
  const receiver = spawn(process.execPath, ['-e', RECEIVER_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  cleanups.push(async () => void receiver.kill());
  const port = await new Promise((resolvePort, reject) => {
    receiver.stdout.once('data', (d) => resolvePort(Number(String(d).trim())));
    receiver.once('exit', (code) => reject(new Error(`webhook receiver exited (${code})`)));
  });
  const receivedSoFar = () =>
    new Promise((r) => {
      receiver.once('message', (n) => r(n));
      receiver.send('count');
    });
  const endpoints = [];
  for (let i = 0; i < 3; i++) {
    const e = await expectOk(
      api(base, 'POST', '/auth/admin/webhooks', {
        headers,
        body: { url: `http://127.0.0.1:${port}/hook/${i}`, events: ['user.suspended'] },
      }),
      'register webhook endpoint',
    );
    endpoints.push(e.id);
  }
  const setEnabled = (enabled) =>
    Promise.all(
      endpoints.map((id) =>
        expectOk(api(base, 'PATCH', `/auth/admin/webhooks/${id}`, { headers, body: { enabled } }), 'patch endpoint'),
      ),
    );
  const pending = async () => {
    let n = 0;
    for (const id of endpoints)
      n += (
        await expectOk(
          api(base, 'GET', `/auth/admin/webhooks/${id}/deliveries?status=pending&per_page=1`, { headers }),
          'deliveries',
        )
      ).total;
    return n;
  };
  const drained = async () => {
    const until = Date.now() + 120_000;
    while ((await pending()) > 0 && Date.now() < until) await sleep(250);
  };
  const url = `${base}/auth/admin/users/${target.id}/suspend`;
  const load = (duration) =>
    paced(url, {
      duration,
      connections: 10,
      rate: opts.webhookRate,
      method: 'POST',
      headers,
      body: JSON.stringify({ reason: 'bench' }),
    });
  return {
    run: async () => {
      const none = [];
      const three = [];
      const pooledNone = [];
      const pooledThree = [];
      for (const enabled of [false, true]) {
        await setEnabled(enabled);
        log(`warm-up webhooks (${enabled ? '3 endpoints' : 'no endpoint'})`);
        if (opts.warmup) await load(opts.warmup);
        await drained();
        await settle(pid());
      }
      // ABBA order: whatever comes at a fixed time into the run (a major GC of the grown heap, ~100 ms) falls on
      // either side, not always on the same one.
      for (let i = 0; i < opts.rounds; i++)
        for (const enabled of i % 2 ? [true, false] : [false, true]) {
          await setEnabled(enabled);
          const r = await measured(pid(), () =>
            load(opts.duration).then((out) => {
              (enabled ? pooledThree : pooledNone).push(...out.rec.values);
              return out;
            }),
          );
          await drained();
          (enabled ? three : none).push(r);
          log(
            `webhooks (${enabled ? '3 endpoints' : 'no endpoint'}) round ${i + 1}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50?.toFixed(2)} ms, p99 ${r.p99?.toFixed(2)} ms, errors ${r.errors}, CPU ${r.cpuUsPerReq?.toFixed(0)} µs/req`,
          );
        }
      const withNone = aggregate(none);
      const withThree = aggregate(three);
      // The p99 of every request of a side, all rounds together: one pause of the process (a major GC lasts ~100 ms
      // here) in one round moves a round's p99 many times over, but not the p99 of rounds × 1,000 requests.
      const p99Of = (values) => {
        const sorted = Float64Array.from(values).sort();
        return round(sorted[Math.min(sorted.length - 1, Math.floor(0.99 * sorted.length))], 2);
      };
      const pooled = { none: p99Of(pooledNone), three: p99Of(pooledThree) };
      return {
        ...withThree,
        rate: opts.webhookRate,
        with_none: withNone,
        p99_vs_none: round(withThree.p99 / withNone.p99, 3),
        pooled_p99: { ...pooled, three_vs_none: round(pooled.three / pooled.none, 3), requests: pooledThree.length },
        p99_ratios: three.map((r, i) => round(r.p99 / none[i].p99, 3)),
        delivered: await receivedSoFar(),
        undelivered: await pending(),
      };
    },
  };
}

/** `POST /auth/token` at cost 12 with a me-jwt latency probe beside it, against the same probe on an idle server. */
async function loginScenario(base, pid, me) {
  const password = `Bench-${randomBytes(12).toString('base64url')}`;
  const username = `bench_login_${randomBytes(3).toString('hex')}`;
  await expectOk(
    api(base, 'POST', '/auth/register', { body: { email: `${username}@example.com`, username, password } }),
    'register login user',
  );
  const form = new URLSearchParams({ grant_type: 'password', username, password }).toString();
  const refreshTokens = [];
  const loginOpts = {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
    connections: opts.loginConnections,
    timeout: 60,
    onBody: (status, body) => {
      if (status === 200) {
        const t = safeJson(body)?.refresh_token;
        if (t) refreshTokens.push(t);
      }
    },
  };
  const probeRate = Math.max(1, Math.round(opts.probeRate / 4));
  const probeOpts = { headers: { authorization: `Bearer ${me.access}` }, connections: 4, connectionRate: probeRate };
  return {
    name: 'login',
    refreshTokens,
    credentials: { username, password },
    warm: async () => {
      await cannon(`${base}/auth/token`, { ...loginOpts, duration: Math.max(opts.warmup, 3) });
      await settle(pid());
    },
    async measure() {
      const compareBefore = compareOnServerCore();
      // Throughput alone (measured() settles the abandoned logins), then the probe idle, then the probe beside logins.
      const r = await measured(pid(), () => cannon(`${base}/auth/token`, { ...loginOpts, duration: opts.duration }));
      const idle = summarize(await cannon(`${base}/auth/me`, { ...probeOpts, duration: opts.duration }));
      const [during, p] = await Promise.all([
        cannon(`${base}/auth/token`, { ...loginOpts, duration: opts.duration }),
        cannon(`${base}/auth/me`, { ...probeOpts, duration: opts.duration }),
      ]);
      const probe = summarize(p);
      await settle(pid());
      const compareMs = (compareBefore + compareOnServerCore()) / 2;
      const ceiling = (serverCores * 1000) / compareMs;
      return {
        ...r,
        compareMs,
        ceiling,
        vsCeiling: r.rps / ceiling,
        rpsWithProbe: summarize(during).rps,
        probeIdleP50: idle.p50,
        probeIdleP99: idle.p99,
        probeP50: probe.p50,
        probeP99: probe.p99,
        probeErrors: probe.errors + idle.errors,
      };
    },
    describe: (r) =>
      `${((r.vsCeiling ?? 0) * 100).toFixed(0)}% of the ceiling ${r.ceiling.toFixed(2)}/s (compare ${r.compareMs.toFixed(0)} ms); ` +
      `me-jwt probe p99 idle ${r.probeIdleP99?.toFixed(2)} ms → during logins ${r.probeP99?.toFixed(2)} ms`,
    finish(agg, rounds) {
      const m = (k) => median(rounds.map((x) => x[k]));
      return {
        ...agg,
        bcrypt_compare_ms: round(m('compareMs'), 1),
        ceiling_rps: round(m('ceiling'), 2),
        rps_vs_ceiling: round(m('vsCeiling'), 3),
        rps_beside_probe: round(m('rpsWithProbe'), 2),
        // CPU of one compare over the server's CPU per login: what throughput/ceiling would be with the core to itself.
        cpu_efficiency: round(median(rounds.map((x) => (x.compareMs * 1000) / x.cpuUsPerReq)), 3),
        probe: {
          rate: probeRate * 4,
          idle_p50: round(m('probeIdleP50'), 3),
          idle_p99: round(m('probeIdleP99'), 3),
          under_login_p50: round(m('probeP50'), 3),
          under_login_p99: round(m('probeP99'), 3),
          p99_ratio: round(median(rounds.map((x) => x.probeP99 / x.probeIdleP99)), 2),
          errors: rounds.reduce((n, x) => n + x.probeErrors, 0),
        },
      };
    },
  };
}

/**
 * A storm of anonymous registrations (each request from its own X-Forwarded-For address, so per-IP limits do not
 * hold it back): the bcrypt work they ask for, and beside them a /health probe and a cached me-jwt probe, against
 * the same probes on an idle server. Both probes must stay fast: the pool leaves a core to the event loop and work
 * beyond its queue is refused (503) instead of waiting.
 */
function hashStormScenario(base, pid, me) {
  const statuses = {};
  let seq = 0;
  const storm = {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    connections: opts.stormConnections,
    timeout: 60,
    setupRequest: (req) => {
      const n = `${process.pid.toString(36)}${(seq++).toString(36)}${randomBytes(2).toString('hex')}`;
      const ip = `10.${(seq >> 16) & 255}.${(seq >> 8) & 255}.${seq & 255}`;
      return {
        ...req,
        headers: { ...req.headers, 'x-forwarded-for': ip },
        body: JSON.stringify({ username: `storm_${n}`, email: `storm_${n}@example.com`, password: `Storm-${n}-pw` }),
      };
    },
    onBody: (status) => {
      statuses[status] = (statuses[status] ?? 0) + 1;
    },
  };
  // One request at a time, every 10 ms: each latency is what a lone client waits (a failure counts as the wait too).
  const probe = async (path, headers = {}) => {
    const rec = new Recorder();
    const started = performance.now();
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    while (performance.now() - started < opts.duration * 1000) {
      const t0 = performance.now();
      const status = await new Promise((done) => {
        const req = http.get(`${base}${path}`, { headers, agent, timeout: 30_000 }, (res) => {
          res.resume();
          res.on('end', () => done(res.statusCode));
        });
        req.on('error', () => done(0));
        req.on('timeout', () => req.destroy());
      });
      rec.add(performance.now() - t0, status);
      await sleep(10);
    }
    agent.destroy();
    return { rec, seconds: (performance.now() - started) / 1000 };
  };
  const meHeaders = { authorization: `Bearer ${me.access}` };
  return {
    name: 'hash-storm',
    warm: async () => {
      await cannon(`${base}/auth/register`, { ...storm, duration: Math.max(opts.warmup, 3) });
      await settle(pid());
    },
    async measure() {
      for (const k of Object.keys(statuses)) delete statuses[k];
      const healthIdle = summarize(await probe('/health'));
      const meIdle = summarize(await probe('/auth/me', meHeaders));
      const c0 = cpuUs(pid());
      const [load, health, meDuring] = await Promise.all([
        cannon(`${base}/auth/register`, { ...storm, duration: opts.duration }),
        probe('/health'),
        probe('/auth/me', meHeaders),
      ]);
      const c1 = cpuUs(pid());
      const r = summarize(load);
      const seconds = load.seconds;
      const rssMb = mb(rssKb(pid()));
      await settle(pid());
      const counts = { ...statuses };
      return {
        ...r,
        rssMb,
        cpuUsPerReq: c0 === null || c1 === null || !r.requests ? null : (c1 - c0) / r.requests,
        registered: (counts[201] ?? 0) / seconds,
        refused: (counts[503] ?? 0) / seconds,
        other: Object.entries(counts)
          .filter(([k]) => k !== '201' && k !== '503')
          .reduce((n, [, v]) => n + v, 0),
        healthIdleP99: healthIdle.p99,
        healthP99: summarize(health).p99,
        meIdleP99: meIdle.p99,
        meP99: summarize(meDuring).p99,
        probeErrors: summarize(health).errors + summarize(meDuring).errors,
      };
    },
    describe: (r) =>
      `${r.registered.toFixed(2)} registered/s, ${r.refused.toFixed(1)} refused/s; /health p99 ${r.healthIdleP99?.toFixed(2)} → ` +
      `${r.healthP99?.toFixed(2)} ms, me-jwt p99 ${r.meIdleP99?.toFixed(2)} → ${r.meP99?.toFixed(2)} ms`,
    finish(agg, rounds) {
      const m = (k) => median(rounds.map((x) => x[k]));
      return {
        ...agg,
        connections: opts.stormConnections,
        registered_per_s: round(m('registered'), 2),
        refused_503_per_s: round(m('refused'), 2),
        other_statuses: rounds.reduce((n, x) => n + x.other, 0),
        health: { idle_p99: round(m('healthIdleP99'), 3), storm_p99: round(m('healthP99'), 3) },
        me: { idle_p99: round(m('meIdleP99'), 3), storm_p99: round(m('meP99'), 3) },
        probe_errors: rounds.reduce((n, x) => n + x.probeErrors, 0),
      };
    },
  };
}

/** Waits until the server stops using CPU (abandoned requests finished), at most 60 s. */
async function settle(pid) {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const c0 = cpuUs(pid);
    await sleep(250);
    const c1 = cpuUs(pid);
    if (c0 === null || c1 === null || c1 - c0 < 250_000 * 0.1) return;
  }
}

/**
 * The login ceiling's unit: one bcryptjs compare at cost 12, timed in another process on the server's core just
 * before and after each login round, so it sees the same CPU (and the same neighbours) as the server did.
 */
function compareOnServerCore() {
  // CPU time, not wall time, so a neighbour's burst on the core does not count; the least of three after a hash.
  const script =
    "const b=require('bcryptjs');const h=b.hashSync('bench-password-xyz',12);let best=Infinity;for(let i=0;i<3;i++){" +
    "const t=process.cpuUsage();b.compareSync('bench-password-xyz',h);const c=process.cpuUsage(t);best=Math.min(best,(c.user+c.system)/1e3)}" +
    'process.stdout.write(String(best))';
  const argv = pinned ? ['taskset', '-c', SERVER_CPU, 'node', '-e', script] : ['node', '-e', script];
  const r = spawnSync(argv[0], argv.slice(1), { cwd: ROOT, encoding: 'utf8' });
  const ms = Number(r.stdout);
  if (r.status !== 0 || !(ms > 0)) throw new Error(`timing a bcrypt compare failed: ${r.stderr}`);
  return ms;
}

/** Refresh-token rotation: one chain per connection, each request sending the previous response's token. */
async function refreshScenario(base, pid, harvested) {
  const need = opts.connections;
  const tokens = [];
  // Sessions come from the login scenario's responses when it ran (its warm-up precedes this one), else from logins here.
  const prepare = async () => {
    if (tokens.length) return;
    for (const token of harvested.splice(-need)) tokens.push({ token });
    if (tokens.length < need) {
      const password = `Bench-${randomBytes(12).toString('base64url')}`;
      const username = `bench_refresh_${randomBytes(3).toString('hex')}`;
      await expectOk(
        api(base, 'POST', '/auth/register', { body: { email: `${username}@example.com`, username, password } }),
        'register refresh user',
      );
      log(`signing in ${need - tokens.length} sessions for the refresh chains`);
      while (tokens.length < need) {
        const batch = Math.min(opts.loginConnections, need - tokens.length);
        const got = await Promise.all(
          Array.from({ length: batch }, () =>
            expectOk(api(base, 'POST', '/auth/token', { form: { username, password } }), 'login for refresh'),
          ),
        );
        for (const g of got) tokens.push({ token: g.refresh_token });
      }
    }
  };
  return {
    name: 'refresh',
    async warm() {
      await prepare();
      await chains(base, tokens, opts.warmup, new Recorder());
    },
    async measure() {
      await prepare();
      return measured(pid(), async () => {
        const rec = new Recorder();
        const seconds = await chains(base, tokens, opts.duration, rec);
        return { rec, seconds };
      });
    },
    describe: () => `live chains ${tokens.filter((t) => !t.dead).length}/${tokens.length}`,
    finish: (agg) => ({ ...agg, chains: tokens.length, broken_chains: tokens.filter((t) => t.dead).length }),
  };
}

// ---------------------------------------------------------------------------------------------- the gate
/** The gate's callers: users registered (and signed in) a few at a time. */
async function gateCallers(newUser, count = opts.gateUsers) {
  const t0 = performance.now();
  const users = [];
  while (users.length < count) {
    const batch = Math.min(8, count - users.length);
    users.push(...(await Promise.all(Array.from({ length: batch }, (_, i) => newUser(`gate${users.length + i}`)))));
  }
  log(`registered ${users.length} gate callers in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return users;
}

/**
 * Forwarded requests as a gateway sends them: few keep-alive connections, each request another caller's credential
 * (the next of the rotation), the original request in X-Forwarded-*; a class without a quota.
 */
function gateLoad(callers, header, connections = opts.gateConnections) {
  let next = 0;
  const base = {
    'x-forwarded-method': 'POST',
    'x-forwarded-uri': '/translate/stream?lang=de',
    'x-forwarded-proto': 'https',
  };
  return {
    connections,
    setupRequest: (req) => {
      req.headers = { ...base, ...header(callers[next++ % callers.length]) };
      return req;
    },
  };
}

/**
 * N forwarded requests over two instances of one database (and Redis with --redis), then both stopped (SIGTERM
 * flushes their counters) and one started again: usage.total_requests summed over the callers must be N exactly.
 */
async function gateSoak(base, server, env, tmp, newUser) {
  const users = await gateCallers(newUser, Math.min(opts.gateUsers, 1000));
  const port2 = await freePort();
  const base2 = `http://127.0.0.1:${port2}`;
  const second = await startProcess(
    'voicegate-2',
    ['node', opts.entry],
    { ...env, PORT: String(port2), MIGRATIONS_RUN: 'false' },
    `${base2}/health`,
    tmp,
  );
  const header = (i) => (u) => (i % 2 ? { 'x-api-key': u.apiKey } : { authorization: `Bearer ${u.access}` });
  const pids = [server.pid, second.pid];
  const warm = Math.max(10_000, Math.round(opts.gateSoak / 10 / 2) * 2);
  log(`gate soak: warm-up ${warm} forwarded requests`);
  await Promise.all(
    [base, base2].map((b, i) => cannon(`${b}/auth/verify`, { amount: warm / 2, ...gateLoad(users, header(i)) })),
  );
  await sleep(2000);
  const rssBefore = pids.map((p) => mb(rssKb(p)));
  const c0 = pids.map(cpuUs);
  log(`gate soak: RSS ${rssBefore.join('/')} MB; now ${opts.gateSoak} forwarded requests over both instances`);
  const t0 = performance.now();
  const half = Math.floor(opts.gateSoak / 2);
  const runs = await Promise.all(
    [base, base2].map((b, i) =>
      cannon(`${b}/auth/verify`, { amount: i ? opts.gateSoak - half : half, ...gateLoad(users, header(i)) }),
    ),
  );
  const seconds = (performance.now() - t0) / 1000;
  const c1 = pids.map(cpuUs);
  await sleep(2000);
  const rssAfter = pids.map((p) => mb(rssKb(p)));
  const sent = runs.reduce((n, r) => n + r.rec.values.length, 0);
  const errors = runs.reduce((n, r) => n + r.rec.non2xx + r.rec.socketErrors, 0);
  log('gate soak: stopping both instances (their counters flush on SIGTERM), starting one again');
  await stopProcess(second);
  await stopProcess(server);
  const again = await startProcess('voicegate-3', ['node', opts.entry], env, `${base}/health`, tmp);
  let counted = 0;
  for (let i = 0; i < users.length; i += 16) {
    const got = await Promise.all(
      users
        .slice(i, i + 16)
        .map((u) => expectOk(api(base, 'GET', '/auth/me', { headers: { 'x-api-key': u.apiKey } }), 'me')),
    );
    for (const me of got) counted += me.usage.total_requests - 1; // this GET /auth/me counts itself
  }
  await stopProcess(again);
  const expected = warm + sent;
  return {
    requests: sent,
    warmup: warm,
    users: users.length,
    connections: opts.gateConnections,
    seconds: round(seconds, 1),
    rps: round(sent / seconds, 0),
    errors,
    expected,
    counted,
    exact: counted === expected,
    cpu_us_per_decision: round((c1[0] - c0[0] + (c1[1] - c0[1])) / sent, 1),
    rss_before_mb: rssBefore,
    rss_after_mb: rssAfter,
  };
}

/** RSS after warm-up against RSS after N authenticated requests (JWT and API key alternating per round). */
async function soak(base, pid, me) {
  const warm = Math.min(100_000, Math.max(10_000, Math.round(opts.soak / 10 / 2) * 2));
  log(`soak: warm-up ${warm} requests`);
  await cannon(`${base}/auth/me`, {
    amount: warm / 2,
    connections: opts.connections,
    headers: { authorization: `Bearer ${me.access}` },
  });
  await cannon(`${base}/auth/me`, {
    amount: warm / 2,
    connections: opts.connections,
    headers: { 'x-api-key': me.apiKey },
  });
  await sleep(2000);
  const before = rssKb(pid);
  log(`soak: RSS after warm-up ${mb(before)} MB; now ${opts.soak} requests`);
  const samples = [];
  const chunk = Math.min(100_000, Math.max(10_000, Math.round(opts.soak / 10)));
  let done = 0;
  const t0 = performance.now();
  let errors = 0;
  while (done < opts.soak) {
    const n = Math.min(chunk, opts.soak - done);
    const headers = (done / chunk) % 2 === 0 ? { authorization: `Bearer ${me.access}` } : { 'x-api-key': me.apiKey };
    const r = summarize(await cannon(`${base}/auth/me`, { amount: n, connections: opts.connections, headers }));
    errors += r.errors;
    done += n;
    samples.push({ requests: done, rss_mb: mb(rssKb(pid)) });
    log(`soak: ${done} requests, RSS ${samples.at(-1).rss_mb} MB`);
  }
  await sleep(2000);
  const after = rssKb(pid);
  return {
    requests: opts.soak,
    seconds: round((performance.now() - t0) / 1000, 1),
    errors,
    rss_after_warmup_mb: mb(before),
    rss_after_mb: mb(after),
    rss_growth: round(after / before - 1, 3),
    rss_max_mb: Math.max(...samples.map((s) => s.rss_mb)),
    samples,
  };
}

function machine() {
  const cpus = os.cpus();
  let commit = null;
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    // The build measured is the working tree: say when it differs from the commit.
    if (
      execFileSync('git', ['status', '--porcelain', '--', 'src', 'migrations', 'package.json'], { cwd: ROOT })
        .toString()
        .trim()
    )
      commit += '+uncommitted';
  } catch {
    /* not a git checkout */
  }
  return {
    cpu: cpus[0]?.model?.trim(),
    cpus: cpus.length,
    memory_gb: round(os.totalmem() / 2 ** 30, 1),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    commit,
  };
}

function table(report) {
  const rows = [];
  const fmt = (x, d = 2) => (x === null || x === undefined ? '–' : Number(x).toFixed(d));
  rows.push([
    'scenario',
    'req/s',
    'vs bare',
    'same time',
    'p50 ms',
    'p99 ms',
    'p99 vs bare',
    'CPU µs/req',
    'errors',
    'RSS MB',
  ]);
  const bare = report.scenarios.bare;
  const vsBare = (s, label) =>
    bare &&
    s !== bare &&
    label !== 'login' &&
    label !== 'hash-storm' &&
    label !== 'bare-gate' &&
    !label.startsWith('webhooks');
  const yard = (label) => (VERIFY.includes(label) && report.scenarios['bare-gate']) || bare;
  const row = (label, s, digits) => [
    label,
    fmt(s.rps, digits),
    vsBare(s, label) ? fmt(s.rps / yard(label).rps, 3) : '–',
    fmt(s.same_time?.rps_vs_bare, 3),
    fmt(s.p50),
    fmt(s.p99),
    vsBare(s, label) ? fmt(s.p99 / yard(label).p99) : '–',
    fmt(s.cpu_us_per_req, 0),
    String(s.errors),
    fmt(s.rss_mb, 1),
  ];
  for (const [name, s] of Object.entries(report.scenarios)) {
    if (s.skipped) {
      rows.push([name, `skipped: ${s.skipped}`, '', '', '', '', '', '', '', '']);
      continue;
    }
    if (s.at_small) rows.push(row(`${name} (${s.at_small.jobs} jobs)`, s.at_small, 0));
    if (s.with_none) rows.push(row(`${name} (no endpoint)`, s.with_none, 0));
    const label = s.at_small ? `${name} (${s.jobs} jobs)` : s.with_none ? `${name} (3 endpoints)` : name;
    rows.push(row(label, s, name === 'login' ? 2 : 0));
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (r) => '| ' + r.map((c, i) => String(c).padEnd(widths[i])).join(' | ') + ' |';
  let out = `\nVoicegate benchmark — ${report.db}${report.redis ? ' + Redis' : ''}${report.rate_limits ? ', rate limits on' : ''}, ${report.date}\n`;
  out += `${report.machine.cpu}, ${report.machine.cpus} CPUs, ${report.machine.memory_gb} GB, ${report.machine.os}, Node ${report.machine.node}, commit ${report.machine.commit}\n`;
  out += report.soak
    ? `${report.pinning}; ${report.settings.connections} connections\n`
    : `${report.pinning}; ${report.settings.connections} connections, ${report.settings.duration_s} s × ${report.settings.rounds} rounds (median), ${report.settings.warmup_s} s warm-up\n\n`;
  if (rows.length > 1) {
    out += line(rows[0]) + '\n' + '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|\n';
    for (const r of rows.slice(1)) out += line(r) + '\n';
  }
  const l = report.scenarios.login;
  if (l && !l.skipped)
    out +=
      `\nlogin: ${fmt(l.rps)} /s = ${fmt(l.rps_vs_ceiling * 100, 1)}% of the ceiling ${fmt(l.ceiling_rps)} /s (${report.bcrypt_compare_ms} ms CPU per bcryptjs compare, ${report.server_cores} core(s)); ` +
      `CPU per login ${fmt(l.cpu_us_per_req / 1000, 0)} ms (compare ${fmt(l.cpu_efficiency * 100, 1)}% of it); ` +
      `me-jwt probe (${l.probe.rate} req/s) p99 ${fmt(l.probe.idle_p99)} ms idle → ${fmt(l.probe.under_login_p99)} ms during logins (${fmt(l.probe.p99_ratio)}×)\n`;
  for (const name of ['jobs-list', 'jobs-stats']) {
    const s = report.scenarios[name];
    if (s && !s.skipped)
      out += `${name}: p50 at ${s.jobs} jobs is ${fmt(s.p50_vs_small)}× its p50 at ${s.at_small.jobs} jobs; throughput ${fmt(s.rps_small_over_big)}× lower\n`;
  }
  const r = report.scenarios.refresh;
  if (r && !r.skipped) out += `refresh: ${r.chains} chains, ${r.broken_chains} broken\n`;
  const h = report.scenarios['hash-storm'];
  if (h && !h.skipped)
    out +=
      `hash-storm: ${h.connections} anonymous registrations at once from as many addresses: ${fmt(h.registered_per_s)} registered/s, ` +
      `${fmt(h.refused_503_per_s)} refused/s (503 with Retry-After), ${h.other_statuses} other answers; ` +
      `/health p99 ${fmt(h.health.idle_p99)} ms idle → ${fmt(h.health.storm_p99)} ms during; ` +
      `me-jwt p99 ${fmt(h.me.idle_p99)} ms idle → ${fmt(h.me.storm_p99)} ms during\n`;
  if (report.gate_soak) {
    const g = report.gate_soak;
    out += `\ngate soak: ${g.requests} forwarded requests over 2 instances (${g.users} users, ${g.connections} connections each) in ${g.seconds} s, ${g.errors} errors; usage.total_requests ${g.counted} of ${g.expected} (${g.exact ? 'exact' : 'NOT exact'}); CPU ${fmt(g.cpu_us_per_decision, 1)} µs per decision; RSS ${g.rss_before_mb.join('/')} MB → ${g.rss_after_mb.join('/')} MB\n`;
  }
  const w = report.scenarios.webhooks;
  if (w && !w.skipped)
    out +=
      `webhooks: POST /auth/admin/users/{id}/suspend at ${w.rate} req/s: p99 ${fmt(w.p99)} ms with 3 endpoints vs ${fmt(w.with_none.p99)} ms with none ` +
      `(${fmt(w.p99_vs_none, 3)}×, per round ${w.p99_ratios.map((x) => fmt(x, 3)).join(' ')}); ` +
      `over all ${w.pooled_p99.requests} requests of each side: ${fmt(w.pooled_p99.three)} vs ${fmt(w.pooled_p99.none)} ms ` +
      `(${fmt(w.pooled_p99.three_vs_none, 3)}×); ${w.delivered} deliveries sent, ${w.undelivered} left after the rounds\n`;
  if (report.soak) {
    const k = report.soak;
    out += `\nsoak: ${k.requests} authenticated requests in ${k.seconds} s, ${k.errors} errors; RSS ${k.rss_after_warmup_mb} MB after warm-up → ${k.rss_after_mb} MB after (${fmt(k.rss_growth * 100, 1)}%), max ${k.rss_max_mb} MB\n`;
  }
  return out + '\n';
}

if (args.report) {
  process.stdout.write(table(JSON.parse(readFileSync(resolve(args.report), 'utf8'))));
  process.exit(0);
}

main()
  .catch(async (err) => {
    process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
    process.exitCode = 1;
  })
  .finally(cleanup);
