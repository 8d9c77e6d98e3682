import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestApp, TestApp } from '../app.factory';

const FILE = join(__dirname, '..', '..', 'admin-ui', 'src', 'api-types.ts');
const SCRIPT = join(__dirname, '..', '..', 'scripts', 'api-types.mjs');

/** The dashboard's types are generated from the API's OpenAPI document; a stale file fails here. */
describe('admin-ui/src/api-types.ts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  it('is what openapi-typescript makes of /openapi.json (regenerate with npm run gen:api-types)', async () => {
    const document = (await t.http.get('/openapi.json').expect(200)).body;
    // openapi-typescript is an ES module: it runs in its own Node process.
    const generated = execFileSync(process.execPath, [SCRIPT], { input: JSON.stringify(document), encoding: 'utf8' });
    if (process.env.UPDATE_API_TYPES === '1') writeFileSync(FILE, generated);
    expect(existsSync(FILE)).toBe(true);
    expect(readFileSync(FILE, 'utf8')).toBe(generated);
  });

  it('every schema name is one DTO: /auth/token and the introspection/revocation bodies are different schemas', async () => {
    const document = (await t.http.get('/openapi.json').expect(200)).body;
    const body = (path: string) =>
      document.paths[path].post.requestBody.content['application/json'].schema.$ref as string;
    const token = document.components.schemas[body('/auth/token').split('/').pop()!];
    const introspect = document.components.schemas[body('/oauth/introspect').split('/').pop()!];
    expect(Object.keys(token.properties)).toEqual(expect.arrayContaining(['grant_type', 'username', 'password']));
    expect(Object.keys(introspect.properties)).toEqual(['token', 'token_type_hint', 'client_id']);
    // @nestjs/swagger warns when two classes share a name (one of them then documents the other's body).
    expect(readFileSync(t.logFile, 'utf8')).not.toContain('Duplicate DTO');
  });
});
