import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

/**
 * Secrets hygiene (run last, test/security/hygiene.hygiene-spec.ts): every secret the e2e suite creates or sees
 * is recorded here, and the hygiene test then looks for each one in the suite's logs and database files.
 */
export const OUTPUT_DIR = join(__dirname, '..', '..', 'test-output');
export const SECRETS_DIR = join(OUTPUT_DIR, 'secrets');
export const DBS_DIR = join(OUTPUT_DIR, 'dbs');
/** Shorter values are not searched for (too likely to occur by chance); factory secrets are all longer. */
export const MIN_SECRET_LENGTH = 12;

/** scripts/test.sh sets KEEP_TEST_DBS=1: SQLite files stay in test-output/dbs and Postgres rows are dumped there. */
export const keepTestDbs = (): boolean => process.env.KEEP_TEST_DBS === '1';

const file = () => join(SECRETS_DIR, `${process.pid}.txt`);
let dirReady = false;
const seen = new Set<string>();

/** Records secrets (one JSON string a line in test-output/secrets/<pid>.txt); empty and short values are skipped. */
export function recordSecret(...values: unknown[]): void {
  const lines: string[] = [];
  for (const v of values) {
    if (typeof v !== 'string' || v.length < MIN_SECRET_LENGTH || seen.has(v)) continue;
    seen.add(v);
    lines.push(JSON.stringify(v));
  }
  if (!lines.length) return;
  if (!dirReady) {
    mkdirSync(SECRETS_DIR, { recursive: true });
    dirReady = true;
  }
  appendFileSync(file(), lines.join('\n') + '\n');
}

/** Fields whose value is a secret: in a response (issued by the server), or in a request body the server accepted. */
const RESPONSE_SECRETS = new Set([
  'access_token',
  'refresh_token',
  'api_key',
  'generated_password',
  'key',
  'secret',
  'mfa_token',
  'recovery_codes',
]);
const REQUEST_SECRETS = new Set([
  'password',
  'new_password',
  'current_password',
  'refresh_token',
  'key',
  'api_key',
  'client_secret',
  'token',
  'mfa_token',
  'recovery_code',
]);

function collect(value: unknown, names: Set<string>, out: unknown[], depth = 0): void {
  if (depth > 5 || value === null || typeof value !== 'object') return;
  if (Array.isArray(value)) {
    for (const v of value) collect(v, names, out, depth + 1);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (names.has(k)) out.push(...(Array.isArray(v) ? v : [v]));
    else collect(v, names, out, depth + 1);
  }
}

/**
 * Records the secrets an app's HTTP traffic carries: secret fields of every JSON response, and secret fields of
 * request bodies that were accepted (2xx: a password that was set, a service key that was stored). Hook added by
 * the test factory before the app is ready.
 */
export function captureSecrets(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', (req, reply, payload, done) => {
    const found: unknown[] = [];
    if (reply.statusCode < 300) collect(req.body, REQUEST_SECRETS, found);
    if (typeof payload === 'string' && payload.startsWith('{')) {
      try {
        collect(JSON.parse(payload), RESPONSE_SECRETS, found);
      } catch {
        /* not JSON */
      }
    }
    recordSecret(...found);
    done(null, payload);
  });
}

/** Postgres: every row of every table, as text, into test-output/dbs (the database is dropped right after). */
export async function dumpPostgres(databaseUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const tables = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`,
    );
    const lines: string[] = [];
    for (const { table_name } of tables.rows) {
      const rows = await client.query<{ row: string }>(
        `SELECT t::text AS row FROM "${table_name.replace(/"/g, '""')}" t`,
      );
      for (const r of rows.rows) lines.push(`${table_name}\t${r.row}`);
    }
    mkdirSync(DBS_DIR, { recursive: true });
    writeFileSync(join(DBS_DIR, `${name}.pgdump.txt`), lines.join('\n'));
  } finally {
    await client.end();
  }
}
