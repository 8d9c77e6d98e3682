import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppError, ErrorCode } from '../common/errors';
import { sendProblem } from '../common/problem-details';
import { AppConfig } from '../config/app-config';

/** The dashboard's policy: only same-origin scripts, styles and fetches; no framing, no inline anything. */
export const ADMIN_UI_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

export const ADMIN_UI_PATH = '/admin';
const ASSETS_PREFIX = '/admin/assets/';

export interface AdminUiOptions {
  /** The Vite build output (tests point this elsewhere). Default: admin-ui/dist of the project. */
  distDir?: string;
}

/**
 * admin-ui/dist seen from src/admin (ts-node, jest) and from dist/src/admin (compiled);
 * the working directory last, for layouts that copy only dist/ and admin-ui/dist/.
 */
export function findAdminUiDist(from: string = __dirname, cwd: string = process.cwd()): string {
  const candidates = [
    resolve(from, '../../admin-ui/dist'),
    resolve(from, '../../../admin-ui/dist'),
    resolve(cwd, 'admin-ui/dist'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'index.html'))) ?? candidates[0];
}

/** `/api/admin/...` is the global /api alias of the JSON routes (CONTRACT §2); the page is not an API route. */
function requestedUnderApi(req: FastifyRequest): boolean {
  const path = (req.originalUrl ?? req.url).split('?')[0];
  return path === '/api' || path.startsWith('/api/');
}

/**
 * Serves the admin dashboard built from admin-ui/ (`npm run build:admin`): hashed bundles under
 * /admin/assets/, index.html for /admin and every /admin/* page (client-side routing). Public routes:
 * the page signs in through the API itself. Registered on Fastify directly, outside Nest's guards.
 */
export async function registerAdminUi(
  app: NestFastifyApplication,
  config: AppConfig,
  opts: AdminUiOptions = {},
): Promise<void> {
  const logger = new Logger('AdminUi');
  const dist = opts.distDir ?? findAdminUiDist();
  const indexFile = join(dist, 'index.html');
  if (!existsSync(indexFile))
    logger.warn(`Admin dashboard not built (${indexFile} missing): /admin answers 503 until \`npm run build\` has run`);

  // Production serves what was built at deploy time; elsewhere re-read so a rebuild needs no restart.
  let cached: Buffer | undefined;
  const loadIndex = async (): Promise<Buffer | undefined> => {
    if (cached) return cached;
    try {
      const html = await readFile(indexFile);
      if (config.env === 'production') cached = html;
      return html;
    } catch {
      return undefined;
    }
  };

  const serveIndex = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const html = await loadIndex();
    if (!html) {
      sendProblem(
        new AppError(
          ErrorCode.ServiceUnavailable,
          'The admin dashboard has not been built: run `npm run build` (or `npm run build:admin`), then reload',
        ),
        req,
        reply,
        logger,
      );
      return;
    }
    reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', ADMIN_UI_CSP)
      .header('x-frame-options', 'DENY')
      .header('cache-control', 'no-store')
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .send(html);
  };

  // One encapsulated plugin: its hook runs for the page and its bundles only, not on every API request.
  await app.register(async (scope: FastifyInstance) => {
    // The page and its bundles have no /api alias (the global rewrite would otherwise give them one).
    scope.addHook('onRequest', (req, reply, done) => {
      if (!requestedUnderApi(req)) return done();
      sendProblem(
        new AppError(
          ErrorCode.NotFound,
          `Route ${req.method} ${(req.originalUrl ?? req.url).split('?')[0]} not found; the admin dashboard is at ${ADMIN_UI_PATH}`,
        ),
        req,
        reply,
        logger,
      );
    });
    await scope.register(fastifyStatic, {
      root: join(dist, 'assets'),
      prefix: ASSETS_PREFIX,
      decorateReply: false,
      index: false,
      dotfiles: 'deny',
      // File names carry a content hash: cache them for good.
      cacheControl: true,
      maxAge: '365d',
      immutable: true,
      suppressWarning: true,
    });
    scope.get(ADMIN_UI_PATH, serveIndex);
    scope.get(`${ADMIN_UI_PATH}/*`, serveIndex);
    // The account page's second-factor screens (same build) until the account app is merged.
    scope.get('/account', serveIndex);
    scope.get('/account/*', serveIndex);
  });
}
