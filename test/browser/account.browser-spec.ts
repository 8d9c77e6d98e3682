/// <reference lib="dom" />
/**
 * The account page (/account) in Debian's headless Chromium through playwright-core, against the real app: a user
 * signs in, creates a scoped key, sees it once, the test uses it on an allowed and a refused route, rolls it and
 * deletes it; an admin revokes a user's key from the dashboard. Screenshots land in test-output/screenshots/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, Page } from 'playwright-core';
import { createTestApp, TestApp } from '../app.factory';
import { ensureAdminUiBuilt, launchChromium, SHOTS } from '../support/browser';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';
import { recordSecret } from '../security/secrets';

jest.setTimeout(120_000);

describe('account page in a real browser', () => {
  let t: TestApp;
  let base: string;
  let context: BrowserContext;
  let userDataDir: string;
  let page: Page;
  let user: TestUser;
  let admin: TestUser;
  const csp: string[] = [];
  const pageErrors: string[] = [];
  const tokenInUrl: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `account-${name}.png`), fullPage: true });
  const status = async (path: string, key: string) => (await t.http.get(path).set('X-API-Key', key)).status;

  beforeAll(async () => {
    ensureAdminUiBuilt();
    mkdirSync(SHOTS, { recursive: true });
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    user = await createUser(t, { username: 'kim', fullName: 'Kim Account', isVerified: true });
    admin = await createAdmin(t, { username: 'keys_admin', isVerified: true });
    userDataDir = mkdtempSync(join(tmpdir(), 'voicegate-chromium-'));
    context = await launchChromium(userDataDir, { viewport: { width: 1280, height: 900 } });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base }).catch(() => undefined);
    page = await context.newPage();
    page.on('console', (m) => {
      if (/Content[- ]Security[- ]Policy|Refused to (execute|apply|load|connect|frame)/i.test(m.text()))
        csp.push(m.text());
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('request', (r) => {
      if (/(access|refresh)_token=|eyJ[A-Za-z0-9_-]{10,}\.|tk_[0-9A-Za-z]{20,}/.test(r.url())) tokenInUrl.push(r.url());
    });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await t?.close();
  });

  afterEach(() => {
    expect(csp).toEqual([]);
    expect(pageErrors).toEqual([]);
    expect(tokenInUrl).toEqual([]);
  });

  it('is served with a strict CSP and asks anonymous visitors to sign in', async () => {
    const res = await page.goto(`${base}/account`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-security-policy']).toMatch(/script-src 'self'/);
    await page.getByRole('heading', { name: 'Sign in to your account' }).waitFor();
    await shot('1-sign-in');
  });

  it('a user signs in, creates a scoped key, sees it once, rolls it and deletes it', async () => {
    await page.getByLabel('Username or email').fill(user.username);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { name: 'Your profile' }).waitFor();
    await page.getByLabel('Full name').waitFor();
    expect(await page.getByLabel('Full name').inputValue()).toBe('Kim Account');
    // Tokens live in memory only.
    expect(await page.evaluate(() => [localStorage.length, sessionStorage.length, document.cookie])).toEqual([
      0,
      0,
      '',
    ]);
    await shot('2-profile');

    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'API keys' }).click();
    await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
    await page.getByLabel('Name').fill('ci-reader');
    await page.getByRole('checkbox', { name: 'jobs:read' }).check();
    await page.getByLabel('Expires').selectOption('30');
    await page.getByRole('button', { name: 'Create key' }).click();
    const revealed = page.locator('#revealed-key');
    await revealed.waitFor();
    const key = await revealed.inputValue();
    recordSecret(key);
    expect(key).toMatch(/^tk_[0-9A-Za-z]{43,44}$/);
    await page.getByRole('button', { name: 'Copy api key' }).click();
    await page
      .locator('.copy-field button', { hasText: /^Copied$/ })
      .or(page.getByText('Copying is blocked here'))
      .waitFor();
    if (await page.locator('.copy-field button', { hasText: /^Copied$/ }).count())
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(key);
    await shot('3-key-created');

    // The test uses the key: allowed on its scope, refused outside it.
    expect(await status('/jobs/', key)).toBe(200);
    const refused = await t.http.get('/auth/me').set('X-API-Key', key).expect(403);
    expect(refused.headers['www-authenticate']).toBe('Bearer error="insufficient_scope", scope="profile:read"');

    // Shown once: gone from the page once dismissed, never in the list.
    await page.getByRole('button', { name: 'I have stored it' }).click();
    await revealed.waitFor({ state: 'detached' });
    const row = page.locator('tr[data-key-name="ci-reader"]');
    await row.waitFor();
    expect(await row.textContent()).toContain('jobs:read');
    expect(await page.content()).not.toContain(key);

    // Roll with no overlap: the new key works, the old one is refused.
    await row.getByRole('button', { name: 'Roll' }).click();
    await page.getByLabel('The old secret keeps working for').selectOption('0');
    await page.getByRole('button', { name: 'Roll key' }).click();
    await revealed.waitFor();
    const rolled = await revealed.inputValue();
    recordSecret(rolled);
    expect(rolled).not.toBe(key);
    await shot('4-key-rolled');
    expect(await status('/jobs/', rolled)).toBe(200);
    expect(await status('/jobs/', key)).toBe(401);
    await page.getByRole('button', { name: 'I have stored it' }).click();

    // Delete: the row goes, the key is refused on its next request.
    await row.getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('button', { name: 'Delete key' }).click();
    await row.waitFor({ state: 'detached' });
    expect(await status('/jobs/', rolled)).toBe(401);
    await shot('5-key-deleted');

    // The other pages render for a plain user.
    for (const [link, heading] of [
      ['Sessions', 'Sessions'],
      ['Activity', 'Activity'],
      ['Usage', 'Usage'],
      ['Password', 'Password'],
    ]) {
      await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: link, exact: true }).click();
      await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
    }
    await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name: 'Activity' }).click();
    await page.getByRole('heading', { name: 'Security events' }).waitFor();
    await shot('6-activity');
  });

  it('an admin sees a user’s keys in the dashboard and revokes one', async () => {
    const created = await t.http
      .post('/auth/api-keys')
      .set(user.auth)
      .send({ name: 'fleet-box', scopes: ['tts'] })
      .expect(201);
    recordSecret(created.body.key);
    expect(await status('/jobs/', created.body.key)).toBe(403); // alive, outside its scope
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.goto(`${base}/admin/users/${user.id}`);
    await page.getByLabel('Username or email').fill(admin.username);
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const row = page.locator('tr[data-key-name="fleet-box"]');
    await row.waitFor();
    await shot('7-admin-user-keys');
    await row.getByRole('button', { name: 'Revoke' }).click();
    await page.getByRole('button', { name: 'Revoke key' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await t.http.get('/jobs/').set('X-API-Key', created.body.key)).status).toBe(401);
  });
});
