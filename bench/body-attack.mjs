#!/usr/bin/env node
// Hostile bodies against a build of the service: for each shape, sent without credentials (and once as an
// authenticated caller to PATCH /jobs/{id}), how long a /health probe beside it waits (the event loop held) and
// the server's RSS. `node bench/body-attack.mjs [dist/src/main.js] [--mb 10]`.
import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({
  options: { mb: { type: 'string', default: '10' } },
  allowPositionals: true,
});
const entry = resolve(positionals[0] ?? 'dist/src/main.js');
const bytes = Math.floor(Number(args.mb) * 1024 * 1024 * 0.95); // just under the limit
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Body shapes of about `bytes` bytes each. */
const SHAPES = {
  'array of small objects': () =>
    `[${Array(Math.floor(bytes / 8))
      .fill('{"a":1}')
      .join(',')}]`,
  'array of zeros': () =>
    `[${Array(Math.floor(bytes / 2))
      .fill('0')
      .join(',')}]`,
  'object with many keys': () =>
    `{${Array.from({ length: Math.floor(bytes / 14) }, (_, i) => `"k${i.toString(36).padStart(6, '0')}":1`).join(',')}}`,
  'deep nesting': () => '['.repeat(bytes >> 1) + ']'.repeat(bytes >> 1),
  'wide and deep (32 levels of 4-way objects)': () => {
    let s = '0';
    for (let d = 0; d < 31 && s.length * 4 < bytes; d++) s = `{"a":${s},"b":${s},"c":${s},"d":${s}}`;
    return s;
  },
  'one long string': () => JSON.stringify({ status: 'completed', transcript: 'x'.repeat(bytes - 64) }),
};

function freePort() {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

function rss(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (k) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMb: Math.round(kb('VmRSS') / 1024), peakMb: Math.round(kb('VmHWM') / 1024) };
}

function request(port, method, path, body, headers = {}) {
  return new Promise((res, rej) => {
    const req = http.request(
      { host: '127.0.0.1', port, method, path, headers: { 'content-type': 'application/json', ...headers } },
      (r) => {
        const chunks = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => res({ status: r.statusCode, body: Buffer.concat(chunks).toString() }));
      },
    );
    req.on('error', rej);
    req.end(body);
  });
}

/** The longest wait of a /health probe sent every 5 ms while `fn` runs. */
async function probed(port, fn) {
  let worst = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      const t = performance.now();
      await request(port, 'GET', '/health').catch(() => undefined); // a reset connection still measured its wait
      worst = Math.max(worst, performance.now() - t);
      await sleep(5);
    }
  })();
  const t0 = performance.now();
  const result = await fn();
  const ms = performance.now() - t0;
  running = false;
  await loop;
  return { ...result, requestMs: Math.round(ms), healthWorstMs: Math.round(worst) };
}

async function main() {
  const tmp = mkdtempSync(join(os.tmpdir(), 'voicegate-body-'));
  const port = await freePort();
  const child = spawn('node', [entry], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      SECRET_KEY: randomBytes(48).toString('base64url'),
      ENCRYPTION_KEY: randomBytes(32).toString('base64url') + '=',
      BCRYPT_ROUNDS: '4',
      RATE_LIMIT_ENABLED: 'false',
      DATABASE_URL: `sqlite:${join(tmp, 'b.db')}`,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  process.on('exit', () => child.kill('SIGKILL'));
  try {
    for (let i = 0; i < 300; i++) {
      try {
        if ((await request(port, 'GET', '/health')).status === 200) break;
      } catch {
        /* starting */
      }
      await sleep(200);
    }
    const username = `atk_${randomBytes(3).toString('hex')}`;
    const password = `Body-${randomBytes(9).toString('base64url')}`;
    await request(
      port,
      'POST',
      '/auth/register',
      JSON.stringify({ username, email: `${username}@example.com`, password }),
    );
    const login = JSON.parse((await request(port, 'POST', '/auth/login', JSON.stringify({ username, password }))).body);
    const access = login.tokens?.access_token ?? login.access_token;
    if (!access) throw new Error(`login failed with ${JSON.stringify(Object.keys(login))}`);
    const auth = { authorization: `Bearer ${access}` };
    const job = JSON.parse((await request(port, 'POST', '/jobs/', JSON.stringify({ filename: 'a.wav' }), auth)).body);
    if (!job.job_id) throw new Error(`job creation failed: ${JSON.stringify(job)}`);
    console.log(`entry ${entry}, bodies of ~${args.mb} MB; RSS at start ${JSON.stringify(rss(child.pid))}`);
    const rows = [];
    for (const [name, make] of Object.entries(SHAPES)) {
      const body = make();
      for (const [target, method, path, headers] of [
        ['POST /jobs/ anonymous', 'POST', '/jobs/', {}],
        ['POST /auth/logout anonymous', 'POST', '/auth/logout', {}],
        ['PATCH /jobs/{id} authenticated', 'PATCH', `/jobs/${job.job_id}`, auth],
      ]) {
        const r = await probed(port, () =>
          request(port, method, path, body, headers).catch((e) => ({ status: e.code })),
        );
        rows.push({
          shape: name,
          target,
          status: r.status,
          requestMs: r.requestMs,
          healthWorstMs: r.healthWorstMs,
          ...rss(child.pid),
        });
        console.log(JSON.stringify(rows.at(-1)));
      }
    }
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
