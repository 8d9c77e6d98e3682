import cors from '@fastify/cors';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import { LogController } from 'fastify';
import type { DestinationStream } from 'pino';
import { ACCOUNT_UI_PATH, ADMIN_UI_PATH, registerAdminUi } from './admin/admin-ui';
import { AppModule } from './app.module';
import { clientErrorHandler, frameworkErrorHandler } from './common/framework-errors';
import { RequestGaps } from './common/request-gaps';
import { createRootLogger, lazyChildLogger, PinoNestLogger, redactUrl } from './common/logger';
import { rejectHostileInput } from './common/request-input';
import { applyBodyLimits } from './common/body-limits';
import { bodyParsers } from './common/body-parsers';
import { tagRouteTargets } from './common/route-targets';
import { preParseAdmission } from './auth/guards/pre-parse-admission';
import { RequestGuard } from './auth/guards/request.guard';
import { PasswordHasher } from './users/password/password-hasher.service';
import { ModulesContainer } from '@nestjs/core/injector/modules-container';
import { scopesInOpenApi } from './personal-keys/openapi-scopes';
import { API_HEADERS, pageHeaders } from './common/security-headers';
import { VALIDATION_PIPE } from './common/validation';
import { AppConfig } from './config/app-config';
import { GATE_PATH, gateInOpenApi, registerGateRoute } from './gate/gate-route';
import { VERSION } from './version';

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** `/api/x` → `/x`, and no trailing slash, so every route answers at both paths either way. */
export function rewriteUrl(url: string): string {
  const q = url.indexOf('?');
  let path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q);
  if (path === '/api' || path.startsWith('/api/')) path = path.slice(4) || '/';
  if (path.length > 1 && path.endsWith('/')) path = path.replace(/\/+$/, '') || '/';
  return path + query;
}

export interface CreateAppOptions {
  /** Where structured logs go (tests capture them to scan for secrets). */
  logDestination?: DestinationStream;
}

export async function createApp(config: AppConfig, opts: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const root = createRootLogger(config.logLevel, opts.logDestination);
  const adapter = new FastifyAdapter({
    loggerInstance: root,
    logController: new LogController({ disableRequestLogging: true }), // one redacted line per request, below
    childLoggerFactory: lazyChildLogger,
    trustProxy: config.trustProxy as boolean | string[], // Fastify also accepts a hop count at run time
    bodyLimit: config.bodyLimit,
    requestTimeout: config.timeouts.requestMs,
    connectionTimeout: config.timeouts.connectionMs,
    // Expired requests are looked for every quarter of the timeout (Node's 30 s default outlasts a short one).
    http: { connectionsCheckingInterval: Math.min(30_000, Math.max(250, config.timeouts.requestMs / 4 || 30_000)) },
    return503OnClosing: true,
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    rewriteUrl: (req: { url?: string }) => rewriteUrl(req.url ?? '/'),
    // Requests refused before Nest's router (bad URL, over-long id, oversize request line) still get problem+json.
    frameworkErrors: frameworkErrorHandler(new Logger('Errors')),
    clientErrorHandler,
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    logger: new PinoNestLogger(root),
    bufferLogs: true,
    abortOnError: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Node enforces the request timeout only when the headers timeout is not longer.
  if (config.timeouts.requestMs)
    fastify.server.headersTimeout = Math.min(fastify.server.headersTimeout, config.timeouts.requestMs);

  // Before a body is read: the route's own limit, then credentials and the rate limit; then a bounded check of the
  // text before it is parsed.
  tagRouteTargets(app.get(ModulesContainer));
  applyBodyLimits(fastify, { small: config.bodyLimit, large: config.transcriptBodyLimit });
  fastify.addHook('preParsing', preParseAdmission(app.get(RequestGuard), app.get(PasswordHasher)));
  const parsers = bodyParsers(fastify);
  app.useBodyParser('application/json', {}, parsers.json);
  app.useBodyParser('application/x-www-form-urlencoded', {}, parsers.form);

  // helmet's headers depend on its options only (no nonces), so they are computed once and copied onto each reply.
  // The gate sets its own: an allowed answer is read by the proxy, not a browser.
  const pages = pageHeaders(DOCS_CSP);
  // Background work takes the gaps between API requests. Not counted: the gate's decisions, tens of µs each, whose
  // hot path a listener per request would cost more than the gap it finds.
  const gaps = app.get(RequestGaps);
  fastify.addHook('onRequest', (req, reply, done) => {
    if (!isUnder(req.url, GATE_PATH)) {
      gaps.track(reply.raw);
      reply.headers(isPagePath(req.url) ? pages : API_HEADERS);
    }
    reply.header('x-request-id', req.id);
    done();
  });
  fastify.addHook('preValidation', rejectHostileInput);
  const accessLog = root.isLevelEnabled('info');
  if (accessLog)
    fastify.addHook('onResponse', (req, reply, done) => {
      const principal = (req as unknown as { principal?: { user: { id: string } } }).principal;
      root.info(
        {
          req_id: req.id,
          method: req.method,
          url: redactUrl(req.originalUrl ?? req.url),
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime * 10) / 10,
          user_id: principal?.user.id,
        },
        'request',
      );
      done();
    });

  if (config.corsOrigins.length)
    await app.register(cors, {
      origin: config.corsOrigins,
      credentials: true,
      exposedHeaders: [
        'X-Request-Id',
        'X-RateLimit-Limit',
        'X-RateLimit-Remaining',
        'X-RateLimit-Reset',
        'RateLimit',
        'RateLimit-Policy',
        'Retry-After',
        'X-Total-Count',
      ],
    });

  // SIGTERM/SIGINT: stop accepting, finish in-flight requests, flush buffers, then exit 0 (not re-raise the signal:
  // 143).
  app.enableShutdownHooks(undefined, { useProcessExit: true });

  app.useGlobalPipes(VALIDATION_PIPE);
  registerGateRoute(app);
  setupOpenApi(app);
  await registerAdminUi(app, config);
  return app;
}

function setupOpenApi(app: NestFastifyApplication): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Voicegate')
      .setDescription('User management and authentication for speech apps. Every route also answers under /api.')
      .setVersion(VERSION)
      .addOAuth2(
        { type: 'oauth2', flows: { password: { tokenUrl: '/auth/token', refreshUrl: '/auth/token', scopes: {} } } },
        'oauth2',
      )
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, 'bearer')
      .addApiKey({ type: 'apiKey', in: 'header', name: 'X-API-Key' }, 'api-key')
      .build(),
  );
  scopesInOpenApi(document);
  gateInOpenApi(document);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    swaggerOptions: { persistAuthorization: false },
  });
}

const DOCS_CSP =
  "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'";
const isUnder = (url: string, prefix: string) =>
  url.startsWith(prefix) && (url.length === prefix.length || url[prefix.length] === '/' || url[prefix.length] === '?');
const isPagePath = (url: string) =>
  isUnder(url, '/docs') || isUnder(url, ADMIN_UI_PATH) || isUnder(url, ACCOUNT_UI_PATH);
