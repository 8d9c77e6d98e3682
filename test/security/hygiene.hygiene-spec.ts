import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DBS_DIR, MIN_SECRET_LENGTH, OUTPUT_DIR, SECRETS_DIR } from './secrets';

/**
 * Secrets hygiene, run after the whole e2e suite (scripts/test.sh; jest project `hygiene`): every password,
 * token, personal API key and service key the suite created or saw (test-output/secrets, written by the test
 * factory) is looked for in the suite's logs (test-output/logs) and in its databases (the SQLite files and the
 * Postgres row dumps kept in test-output/dbs with KEEP_TEST_DBS=1). None may appear in clear.
 */
const LOG_DIR = join(OUTPUT_DIR, 'logs');

function files(dir: string, match: RegExp): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => match.test(f))
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile());
}

function loadSecrets(): string[] {
  const all = new Set<string>();
  for (const f of files(SECRETS_DIR, /\.txt$/))
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (!line) continue;
      const v = JSON.parse(line) as string;
      if (v.length >= MIN_SECRET_LENGTH) all.add(v);
    }
  return [...all];
}

/** The forms a secret could take in a file: as is, JSON-escaped, URL-encoded; compared byte for byte (latin1). */
function forms(secret: string): string[] {
  const out = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
  return [...out].map((s) => Buffer.from(s, 'utf8').toString('latin1'));
}

/**
 * Every secret (form) found in `text`: hand-written multi-pattern search (an index of each form's first
 * MIN_SECRET_LENGTH characters, probed at every offset) because thousands of `includes` over megabytes are slow.
 */
function findAll(text: string, index: Map<string, Array<{ form: string; secret: string }>>): Set<string> {
  const found = new Set<string>();
  for (let i = 0; i + MIN_SECRET_LENGTH <= text.length; i++) {
    const hits = index.get(text.substr(i, MIN_SECRET_LENGTH));
    if (!hits) continue;
    for (const h of hits) if (text.startsWith(h.form, i)) found.add(h.secret);
  }
  return found;
}

describe('secrets hygiene: no secret the e2e suite used is in its logs or databases', () => {
  const secrets = loadSecrets();
  const logs = files(LOG_DIR, /\.log$/);
  const dbs = [...files(DBS_DIR, /\.db(-wal)?$/), ...files(DBS_DIR, /\.pgdump\.txt$/)];

  it('scans every log and database file of the suite for every recorded secret', () => {
    if (secrets.length === 0) {
      console.log('secrets-hygiene: nothing recorded (run the e2e suite first: npm test); nothing to scan');
      return;
    }
    expect(logs.length).toBeGreaterThan(0);
    const index = new Map<string, Array<{ form: string; secret: string }>>();
    for (const secret of secrets)
      for (const form of forms(secret)) {
        const key = form.slice(0, MIN_SECRET_LENGTH);
        index.set(key, [...(index.get(key) ?? []), { form, secret }]);
      }
    const leaks: string[] = [];
    let bytes = 0;
    for (const file of [...logs, ...dbs]) {
      const text = readFileSync(file).toString('latin1');
      bytes += text.length;
      for (const secret of findAll(text, index))
        leaks.push(`${file.replace(OUTPUT_DIR, 'test-output')}: ${secret.slice(0, 6)}… (${secret.length} chars)`);
    }
    console.log(
      `secrets-hygiene: ${secrets.length} secrets × ${logs.length} logs + ${dbs.length} database files (${(bytes / 1e6).toFixed(1)} MB): ${leaks.length} found in clear`,
    );
    expect(leaks).toEqual([]);
  });

  it('the scan finds a planted secret (the search itself works)', () => {
    const planted = 'tk_PlantedSecretValue0123456789abcdef';
    const index = new Map([[planted.slice(0, MIN_SECRET_LENGTH), [{ form: planted, secret: planted }]]]);
    expect([...findAll(`{"msg":"x","url":"/auth/me?api_key=${planted}"}`, index)]).toEqual([planted]);
    expect([...findAll('{"msg":"nothing here"}', index)]).toEqual([]);
  });
});
