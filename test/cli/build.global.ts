import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';

const ROOT = join(__dirname, '..', '..');
/**
 * Where a local run builds when dist/ is stale: inside the project so node_modules resolves, and never dist/ itself.
 */
const PRIVATE_DIST = join(ROOT, 'test-output', 'cli-dist');

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(p));
    else if (/\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.spec.ts'))
      newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function copyWorkers(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory()) copyWorkers(join(from, entry.name), join(to, entry.name));
    else if (entry.name.endsWith('.worker.js')) {
      mkdirSync(to, { recursive: true });
      copyFileSync(join(from, entry.name), join(to, entry.name));
    }
  }
}

const fresh = (dir: string, sourceTime: number) => {
  const main = join(dir, 'src', 'cli', 'main.js');
  return existsSync(main) && statSync(main).mtimeMs >= sourceTime && existsSync(join(dir, 'src', 'main.js'));
};

/** Compiles src/ and migrations/ into `dir` with tsc, plus the worker assets `nest build` copies. */
function compileInto(dir: string): void {
  try {
    execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', dir],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (err) {
    // tsc still emits when another file has a type error; only a missing output is fatal here.
    const out = String((err as { stdout?: Buffer }).stdout ?? '');
    if (!existsSync(join(dir, 'src', 'cli', 'main.js')))
      throw new Error(`The CLI tests need a build and tsc failed:\n${out}`, { cause: err });
    process.stderr.write(`[cli tests] tsc reported errors (output kept):\n${out.slice(0, 2000)}\n`);
  }
  copyWorkers(join(ROOT, 'src'), join(dir, 'src'));
}

/**
 * The CLI tests run the built service and CLI, as operators do. CI builds dist/ first (scripts/test.sh) and the
 * tests use it. Locally, when dist/ is missing or older than src/, this compiles once into
 * test-output/cli-dist/<sources' mtime>/ rather than rebuilding dist/ (which `nest build` deletes first, while
 * other runs in the same tree may be using it); a build is never changed once in place, so concurrent runs
 * share it safely. VOICEGATE_TEST_DIST tells the tests which build to run.
 */
export default async function globalSetup(): Promise<void> {
  const sourceTime = Math.max(newestSource(join(ROOT, 'src')), newestSource(join(ROOT, 'migrations')));
  let dist = join(ROOT, 'dist');
  if (!fresh(dist, sourceTime)) {
    dist = join(PRIVATE_DIST, Math.floor(sourceTime).toString(36));
    if (!existsSync(join(dist, 'src', 'cli', 'main.js'))) {
      process.stderr.write(`\n[cli tests] dist/ is missing or older than src/: compiling into ${dist}…\n`);
      const tmp = join(PRIVATE_DIST, `.build-${process.pid}-${Date.now()}`);
      compileInto(tmp);
      try {
        renameSync(tmp, dist);
      } catch {
        rmSync(tmp, { recursive: true, force: true }); // another run put the same build in place first
      }
    }
    // Builds of older sources that no run has used for an hour go.
    for (const old of readdirSync(PRIVATE_DIST)) {
      const p = join(PRIVATE_DIST, old);
      if (p !== dist && Date.now() - statSync(p).mtimeMs > 3_600_000) rmSync(p, { recursive: true, force: true });
    }
  }
  process.env.VOICEGATE_TEST_DIST = dist;

  const url = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is required for the CLI tests (init-db and create-admin run on it too) and is not reachable at ${url}: ${(err as Error).message}`,
      { cause: err },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}
