import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { getMetadataStorage } from 'class-validator';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { IS_PUBLIC, ROLES } from '../../src/common/decorators';
import { GATE_PATH } from '../../src/gate/gate-route';
import { VALIDATION_PIPE } from '../../src/common/validation';
import { RATE_LIMIT_AUTH, RATE_LIMIT_SKIP } from '../../src/rate-limit/rate-limit.decorators';
import { createTestApp, TestApp } from '../app.factory';

const FILE = join(__dirname, 'route-permissions.json');

/**
 * Every route with who may call it. A diff in route-permissions.json is reviewed as a permission change
 * (regenerate with UPDATE_ROUTE_PERMISSIONS=1 and read the diff).
 */
describe('route permissions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('match the reviewed declaration', () => {
    const discovery = t.app.get(DiscoveryService);
    const scanner = t.app.get(MetadataScanner);
    const reflector = t.app.get(Reflector);
    const routes: { method: string; path: string; public: boolean; roles: string[]; rate_limit: string }[] = [];
    for (const wrapper of discovery.getControllers()) {
      const { instance, metatype } = wrapper;
      if (!instance || !metatype) continue;
      const base = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, metatype) ?? '')[0];
      for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const handler = instance[name];
        const sub = Reflect.getMetadata(PATH_METADATA, handler);
        if (sub === undefined) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
        const path =
          ('/' + [base, ...([] as string[]).concat(sub)].filter((p) => p && p !== '/').join('/'))
            .replace(/\/+/g, '/')
            .replace(/\/$/, '') || '/';
        const targets = [handler, metatype];
        routes.push({
          method,
          path,
          public: !!reflector.getAllAndOverride(IS_PUBLIC, targets),
          roles: reflector.getAllAndOverride<string[]>(ROLES, targets) ?? [],
          rate_limit: reflector.getAllAndOverride(RATE_LIMIT_SKIP, targets)
            ? 'skip'
            : reflector.getAllAndOverride(RATE_LIMIT_AUTH, targets)
              ? 'auth-per-ip'
              : 'identity',
        });
      }
    }
    // Served by Fastify directly, outside Nest's guards: it authenticates and rate limits the forwarded request itself.
    const fastify = t.app.getHttpAdapter().getInstance();
    for (const method of ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const)
      expect(fastify.hasRoute({ method, url: GATE_PATH })).toBe(true);
    routes.push({ method: 'ALL', path: GATE_PATH, public: true, roles: [], rate_limit: 'skip' });
    routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
    if (process.env.UPDATE_ROUTE_PERMISSIONS === '1' || !existsSync(FILE))
      writeFileSync(FILE, JSON.stringify(routes, null, 2) + '\n');
    expect(routes).toEqual(JSON.parse(readFileSync(FILE, 'utf8')));
    // Default-deny: only these may be called anonymously.
    expect(
      routes
        .filter((r) => r.public)
        .map((r) => `${r.method} ${r.path}`)
        .sort(),
    ).toEqual(
      [
        'GET /health',
        'POST /auth/login',
        'POST /auth/refresh',
        'POST /auth/register',
        'POST /auth/token',
        // Tokens other services verify: public keys, discovery, and revocation by whoever holds the token.
        'GET /.well-known/jwks.json',
        'GET /.well-known/openid-configuration',
        'POST /oauth/revoke',
        'ALL /auth/verify', // the gate authenticates the forwarded credential itself
        'POST /auth/email-verification/confirm',
        'POST /auth/password-reset',
        'POST /auth/password-reset/confirm',
        // The sign-in step and passkey sign-in are credential routes themselves (rate limited per IP).
        'POST /auth/mfa/verify',
        'POST /auth/passkeys/login/options',
        'POST /auth/passkeys/login/verify',
      ].sort(),
    );
    // Every admin route is for admins only.
    for (const r of routes.filter((r) => r.path.startsWith('/auth/admin'))) expect(r.roles).toEqual(['admin']);
  });

  it('types every body and whole query with a DTO class, so the global validation pipe checks it', () => {
    const discovery = t.app.get(DiscoveryService);
    const scanner = t.app.get(MetadataScanner);
    const storage = getMetadataStorage();
    const untyped: string[] = [];
    let validated = 0;
    for (const { instance, metatype } of discovery.getControllers()) {
      if (!instance || !metatype) continue;
      for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
        const args: Record<string, { index: number; data?: unknown }> =
          Reflect.getMetadata(ROUTE_ARGS_METADATA, metatype, name) ?? {};
        const types: unknown[] = Reflect.getMetadata('design:paramtypes', instance, name) ?? [];
        for (const [key, arg] of Object.entries(args)) {
          const type = Number(key.split(':')[0]);
          if (type !== RouteParamtypes.BODY && type !== RouteParamtypes.QUERY) continue;
          if (arg.data !== undefined) continue; // one named query field, checked by its route
          const dto = types[arg.index] as (new () => object) | undefined;
          if (dto && storage.getTargetValidationMetadatas(dto, '', false, false).length) validated++;
          else untyped.push(`${metatype.name}.${name} argument ${arg.index}`);
        }
      }
    }
    expect(untyped).toEqual([]);
    expect(validated).toBeGreaterThanOrEqual(19);
    expect((t.app as unknown as { config: { getGlobalPipes(): unknown[] } }).config.getGlobalPipes()).toContain(
      VALIDATION_PIPE,
    );
  });
});
