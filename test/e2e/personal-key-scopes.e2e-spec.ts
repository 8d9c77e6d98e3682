import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import { randomUUID } from 'node:crypto';
import { IS_PUBLIC } from '../../src/common/decorators';
import { ROLE_SCOPES, SCOPE_REQUIREMENT, SCOPES, ScopeRequirement } from '../../src/common/scopes';
import { Role } from '../../src/users/users.enums';
import { createTestApp, TestApp } from '../app.factory';
import { createAdmin, TestUser } from '../factories/user.factory';
import { recordSecret } from '../security/secrets';

interface Route {
  method: string;
  path: string;
  requirement: ScopeRequirement | undefined;
}

/** Every route of the app with its declared scope requirement (the same walk as route-permissions). */
function routes(t: TestApp): Route[] {
  const discovery = t.app.get(DiscoveryService);
  const scanner = t.app.get(MetadataScanner);
  const reflector = t.app.get(Reflector);
  const found: Route[] = [];
  for (const { instance, metatype } of discovery.getControllers()) {
    if (!instance || !metatype) continue;
    const base = ([] as string[]).concat(Reflect.getMetadata(PATH_METADATA, metatype) ?? '')[0];
    for (const name of scanner.getAllMethodNames(Object.getPrototypeOf(instance))) {
      const handler = instance[name];
      const sub = Reflect.getMetadata(PATH_METADATA, handler);
      if (sub === undefined) continue;
      const targets = [handler, metatype];
      if (reflector.getAllAndOverride(IS_PUBLIC, targets)) continue;
      const path =
        ('/' + [base, ...([] as string[]).concat(sub)].filter((p) => p && p !== '/').join('/'))
          .replace(/\/+/g, '/')
          .replace(/\/$/, '') || '/';
      found.push({
        method: RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number],
        path,
        requirement: reflector.getAllAndOverride<ScopeRequirement>(SCOPE_REQUIREMENT, targets),
      });
    }
  }
  return found;
}

const label = (r: Route) => `${r.method} ${r.path}`;

describe('scopes are enforced on every route', () => {
  let t: TestApp;
  let admin: TestUser;
  const only = new Map<string, string>();
  const allBut = new Map<string, string>();
  let full: string;

  beforeAll(async () => {
    t = await createTestApp({ env: { API_KEYS_PER_USER: '50' } });
    admin = await createAdmin(t);
    const make = async (name: string, scopes?: string[]) => {
      const res = await t.http.post('/auth/api-keys').set(admin.auth).send({ name, scopes }).expect(201);
      recordSecret(res.body.key);
      return res.body.key as string;
    };
    for (const s of SCOPES) {
      only.set(s, await make(`only ${s}`, [s]));
      allBut.set(
        s,
        await make(
          `all but ${s}`,
          SCOPES.filter((x) => x !== s),
        ),
      );
    }
    full = await make('full');
  });
  afterAll(() => t.close());

  it('every authenticated route declares its scope (@RequireScope, @RequireFullAccess or @AnyScope)', () => {
    const all = routes(t);
    expect(all.length).toBeGreaterThan(40);
    expect(all.filter((r) => r.requirement === undefined).map(label)).toEqual([]);
  });

  const call = (r: Route, key: string) => {
    const path = r.path.replace(/:[a-z_]+/g, () => randomUUID());
    const req = t.http[r.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete'](path).set(
      'X-API-Key',
      key,
    );
    return ['POST', 'PUT', 'PATCH'].includes(r.method) ? req.send({}) : req;
  };

  it('a key lacking the route’s scope → 403 insufficient_scope naming it; a key holding it passes the check', async () => {
    const checked: string[] = [];
    // Routes that end the caller's sessions or keys run last (a key holding every scope is allowed to).
    const all = routes(t).sort((a, b) => Number(a.requirement === 'full') - Number(b.requirement === 'full'));
    for (const r of all) {
      const req = r.requirement!;
      if (req === 'any') {
        const res = await call(r, only.get('profile:read')!);
        expect([label(r), res.body.code]).not.toEqual([label(r), 'INSUFFICIENT_SCOPE']);
        continue;
      }
      const lacking = req === 'full' ? allBut.get('tts')! : allBut.get(req.scope)!;
      const refused = await call(r, lacking);
      expect([label(r), refused.status, refused.body.code]).toEqual([label(r), 403, 'INSUFFICIENT_SCOPE']);
      const named = req === 'full' ? ROLE_SCOPES[Role.Admin].join(' ') : req.scope;
      expect(refused.headers['www-authenticate']).toBe(`Bearer error="insufficient_scope", scope="${named}"`);

      const holding = req === 'full' ? full : only.get(req.scope)!;
      const passed = await call(r, holding);
      expect([label(r), passed.status === 401 || passed.body.code === 'INSUFFICIENT_SCOPE']).toEqual([label(r), false]);
      checked.push(label(r));
    }
    expect(checked.length).toBeGreaterThan(40);
  });
});
