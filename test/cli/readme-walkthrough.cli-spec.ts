import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, run, RunningService, startService, TempDb, tempDb } from './helpers';

jest.setTimeout(180_000);

interface Block {
  lang: 'bash' | 'python';
  label: string;
  code: string;
}

/** The README's code blocks whose first line is `# walkthrough: <label>`, in order. */
function walkthrough(): Block[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/```(bash|python)\n(# walkthrough: ([\w-]+)\n[\s\S]*?)```/g)].map((m) => ({
    lang: m[1] as Block['lang'],
    label: m[3],
    code: m[2],
  }));
}

const MARK = '\n@@walkthrough-env@@\n';

/**
 * Runs one bash block as a reader would paste it, on the running service: variables it assigns (TOKEN=…) are
 * exported (`set -a`) and carried into the next block, like one shell session.
 */
async function runBash(
  code: string,
  vars: Record<string, string>,
): Promise<{ out: string; vars: Record<string, string> }> {
  const script = `set -a\n${code}\nprintf '${MARK.replace(/\n/g, '\\n')}'\nenv -0\n`;
  const r = await run('bash', ['-c', script], { env: vars, timeoutMs: 30_000 });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const [out, env] = r.stdout.split(MARK);
  const next = { ...vars };
  for (const entry of env.split('\0')) {
    const m = /^([A-Z][A-Z0-9_]*)=([\s\S]*)$/.exec(entry);
    if (m && process.env[m[1]] === undefined && !['PWD', 'SHLVL', 'OLDPWD'].includes(m[1])) next[m[1]] = m[2];
  }
  return { out, vars: next };
}

const json = (out: string) => JSON.parse(out.trim());

describe("README's Quick start walkthrough, run against the built service", () => {
  let db: TempDb;
  let svc: RunningService;
  const blocks = walkthrough();
  const outputs = new Map<string, string>();
  let vars: Record<string, string> = {};

  beforeAll(async () => {
    db = await tempDb('sqlite');
    svc = await startService({ DATABASE_URL: db.url, NODE_ENV: 'development', BCRYPT_ROUNDS: '4' });
  });
  afterAll(async () => {
    await svc?.stop();
    await db?.drop();
  });

  it('has the blocks this test checks, every one aimed at localhost:8000', () => {
    expect(blocks.map((b) => b.label)).toEqual([
      'register',
      'token',
      'keep-token',
      'service-key',
      'job',
      'list-jobs',
      'filter-jobs',
      'stats',
      'api-key',
      'login',
      'refresh-logout',
      'python',
    ]);
    for (const b of blocks) expect(b.code).toContain('http://localhost:8000');
  });

  it('the curl blocks give the answers the README describes', async () => {
    for (const block of blocks.filter((b) => b.lang === 'bash')) {
      const code = block.code.replaceAll('http://localhost:8000', svc.url);
      const r = await runBash(code, vars);
      vars = r.vars;
      outputs.set(block.label, r.out);
    }

    const registered = json(outputs.get('register')!);
    expect(registered).toMatchObject({
      username: 'johndoe',
      email: 'user@example.com',
      role: 'user',
      is_superuser: false,
    });
    expect(registered.api_key).toMatch(/^tk_[0-9A-Za-z]{40,}$/);
    expect(JSON.stringify(registered)).not.toMatch(/hashed_password|\$2[ab]\$/);

    const token = json(outputs.get('token')!);
    expect(token).toMatchObject({ token_type: 'bearer', expires_in: 1800 });
    expect(token.access_token.split('.')).toHaveLength(3);
    expect(token.refresh_token.split('.')).toHaveLength(3);

    expect(vars.TOKEN.split('.')).toHaveLength(3);
    expect(json(outputs.get('keep-token')!)).toMatchObject({ username: 'johndoe' });

    const serviceKey = json(outputs.get('service-key')!);
    expect(serviceKey).toMatchObject({ service: 'openai', key_name: 'My OpenAI Key', last_used_at: null });
    expect(serviceKey.key_preview).toBe('…def'); // 3 of its 24 characters
    expect(outputs.get('service-key')).not.toContain('sk-proj-0123456789abcdef');

    const job = json(outputs.get('job')!);
    expect(job).toMatchObject({
      job_id: vars.JOB_ID,
      filename: 'meeting.wav',
      status: 'completed',
      task: 'transcribe',
      transcript: 'Hello everyone.',
      detected_language: 'en',
    });
    expect(job.completed_at).toEqual(expect.any(String));

    const listed = json(outputs.get('list-jobs')!);
    expect(listed.map((j: { job_id: string }) => j.job_id)).toEqual([vars.JOB_ID]);
    expect(json(outputs.get('filter-jobs')!)).toHaveLength(1);
    expect(json(outputs.get('stats')!)).toMatchObject({ total_jobs: 1, completed: 1, pending: 0, failed: 0 });

    expect(vars.API_KEY).toMatch(/^tk_/);
    expect(vars.API_KEY).not.toBe(registered.api_key);
    expect(json(outputs.get('api-key')!)).toMatchObject({ total_jobs: 1, completed: 1 });

    const login = json(outputs.get('login')!);
    expect(login).toMatchObject({ success: true, user: { username: 'johndoe' }, tokens: { token_type: 'bearer' } });
    expect(login.session_id).toEqual(expect.any(String));

    const [status, after] = outputs.get('refresh-logout')!.split('\n');
    expect(status).toBe('204');
    expect(json(after)).toMatchObject({ status: 401 });
  });

  const python = spawnSync('python3', ['-c', 'import requests'], { stdio: 'ignore' }).status === 0;
  (python ? it : it.skip)(
    'the Python block (seed 002 client) prints the signed-in user and a rotated token',
    async () => {
      const block = blocks.find((b) => b.label === 'python')!;
      const r = await run('python3', ['-c', block.code.replaceAll('http://localhost:8000', svc.url)]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('johndoe user 1\nbearer 1800\n');
    },
  );
});
