import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './infrastructure';

const ROOT = join(__dirname, '..', '..');

/** A child process listening on a loopback port, stopped by `stop()`. */
export interface Running {
  port: number;
  stop(): Promise<void>;
  /** What it wrote to stderr (and its own log files), for failure messages. */
  output(): string;
}

async function waitForPort(port: number, child: ChildProcess, output: () => string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode} before listening:\n${output()}`);
    const open = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`not listening on ${port} after ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  port: number,
  extraLog?: string,
): Promise<Running> {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stdout!.on('data', (d) => (err += d));
  child.stderr!.on('data', (d) => (err += d));
  const output = () => {
    let extra = '';
    try {
      if (extraLog) extra = readFileSync(extraLog, 'utf8');
    } catch {
      /* not written yet */
    }
    return err + extra;
  };
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
      setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 3000).unref();
    });
  return waitForPort(port, child, output).then(
    () => ({ port, stop, output }),
    async (e: Error) => {
      await stop();
      throw new Error(`${command}: ${e.message}`);
    },
  );
}

/** The shipped configuration with the compose service names replaced by loopback ports. */
function shipped(file: string, ports: { listen: number; gate: number; upstream: number }): string {
  return readFileSync(join(ROOT, 'deploy', 'gate', file), 'utf8')
    .replace(/voicegate:8000/g, `127.0.0.1:${ports.gate}`)
    .replace(/speech-worker:9000/g, `127.0.0.1:${ports.upstream}`);
}

/** Debian's nginx, unprivileged, on deploy/gate/nginx.conf (in a minimal main configuration of its own). */
export async function startNginx(gatePort: number, upstreamPort: number): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'vg-nginx-'));
  for (const d of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, d));
  const port = await freePort();
  const site = shipped('nginx.conf', { listen: port, gate: gatePort, upstream: upstreamPort })
    .replace(/listen 8080;/, `listen 127.0.0.1:${port};`)
    .replace('access_log /dev/stdout voicegate_gate;', 'access_log off;')
    .replace('error_log /dev/stderr crit;', `error_log ${join(dir, 'error.log')} warn;`);
  writeFileSync(join(dir, 'gate.conf'), site);
  writeFileSync(
    join(dir, 'nginx.conf'),
    `worker_processes 1;
daemon off;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 256; }
http {
  client_body_temp_path ${join(dir, 'body')};
  proxy_temp_path ${join(dir, 'proxy')};
  fastcgi_temp_path ${join(dir, 'fastcgi')};
  uwsgi_temp_path ${join(dir, 'uwsgi')};
  scgi_temp_path ${join(dir, 'scgi')};
  include ${join(dir, 'gate.conf')};
}
`,
  );
  const running = await run(
    'nginx',
    ['-p', dir, '-c', join(dir, 'nginx.conf'), '-e', join(dir, 'error.log')],
    process.env,
    port,
    join(dir, 'error.log'),
  );
  return { ...running, stop: () => running.stop().then(() => rmSync(dir, { recursive: true, force: true })) };
}

/** Debian's Caddy, unprivileged, on deploy/gate/Caddyfile (admin off, auto_https off, HOME in a temp dir). */
export async function startCaddy(gatePort: number, upstreamPort: number): Promise<Running> {
  const dir = mkdtempSync(join(tmpdir(), 'vg-caddy-'));
  const port = await freePort();
  const site = shipped('Caddyfile', { listen: port, gate: gatePort, upstream: upstreamPort }).replace(
    /^:8080 \{/m,
    `http://127.0.0.1:${port} {`,
  );
  writeFileSync(join(dir, 'Caddyfile'), site);
  const env = { ...process.env, HOME: dir, XDG_DATA_HOME: dir, XDG_CONFIG_HOME: dir };
  const running = await run('caddy', ['run', '--config', join(dir, 'Caddyfile'), '--adapter', 'caddyfile'], env, port);
  return { ...running, stop: () => running.stop().then(() => rmSync(dir, { recursive: true, force: true })) };
}

/** The sample upstream of deploy/ (the "speech worker" that echoes who called). */
export async function startSpeechWorker(): Promise<Running> {
  const port = await freePort();
  return run(
    process.execPath,
    [join(ROOT, 'deploy', 'speech-worker', 'server.mjs')],
    { ...process.env, PORT: String(port), HOST: '127.0.0.1' },
    port,
  );
}
