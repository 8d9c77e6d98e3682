/// <reference lib="dom" />
/**
 * The admin dashboard (CONTRACT §10) driven in Debian's headless Chromium through playwright-core, against the
 * real app (createTestApp on SQLite) listening on a random port. Every scenario checks what the page shows
 * and then what the API reports. Screenshots land in test-output/screenshots/.
 *
 * The bundle is built here when admin-ui/dist is missing or older than admin-ui's sources, so
 * `npx jest --selectProjects browser` works on a fresh checkout (`npm run build` also builds it).
 */
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, ConsoleMessage, Page, Request } from 'playwright-core';
import { LoginHistory } from '../../src/audit/entities/login-history.entity';
import { createTestApp, TestApp } from '../app.factory';
import { ensureAdminUiBuilt, launchChromium, SHOTS } from '../support/browser';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';
import { recordSecret } from '../security/secrets';

jest.setTimeout(120_000);

const XSS = '<img src=x onerror=alert(1)>';
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

/** Polls `probe` until it stops throwing (UI and API settle asynchronously); rethrows the last failure. */
async function eventually<T>(probe: () => Promise<T>, timeoutMs = 8000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (err) {
      if (Date.now() > end) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

describe('admin dashboard in a real browser', () => {
  let t: TestApp;
  let base: string;
  let context: BrowserContext;
  let userDataDir: string;
  let page: Page;
  let admin: TestUser;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dave: TestUser;
  let plain: TestUser;
  let xss: TestUser;
  const csp: string[] = [];
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  const tokenInUrl: string[] = [];
  /** session_id of the dashboard's latest successful sign-in. */
  let lastSessionId = '';

  const api = () => ({ Authorization: admin.auth.Authorization });
  const getUser = async (id: string) => (await t.http.get(`/auth/admin/users/${id}`).set(api()).expect(200)).body;
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  function watch(p: Page): void {
    p.on('console', (m: ConsoleMessage) => {
      if (/Content[- ]Security[- ]Policy|Refused to (execute|apply|load|connect|frame)/i.test(m.text()))
        csp.push(m.text());
    });
    p.on('pageerror', (e) => pageErrors.push(String(e)));
    p.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    p.on('request', (r: Request) => {
      if (/(access|refresh)_token=|eyJ[A-Za-z0-9_-]{10,}\./.test(r.url())) tokenInUrl.push(r.url());
    });
    p.on('response', async (r) => {
      if (new URL(r.url()).pathname === '/auth/login' && r.status() === 200)
        lastSessionId = (await r.json()).session_id;
    });
  }

  async function openPage(viewport = DESKTOP): Promise<Page> {
    const p = await context.newPage();
    await p.setViewportSize(viewport);
    watch(p);
    // Report CSP violations from inside the page too (the console text is a second net).
    await p.exposeFunction('__reportCsp', (v: string) => csp.push(v));
    await p.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { __reportCsp: (v: string) => void }).__reportCsp(
          `${e.violatedDirective} ${e.blockedURI}`,
        ),
      );
    });
    return p;
  }

  async function signIn(p: Page, user: TestUser): Promise<void> {
    await p.goto(`${base}/admin`);
    await p.getByLabel('Username or email').fill(user.username);
    await p.getByLabel('Password', { exact: true }).fill(user.password);
    await p.getByRole('button', { name: 'Sign in' }).click();
  }

  const nav = (p: Page, name: string) =>
    p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });
  const usernamesInTable = (p: Page) => p.locator('table.users-table tbody .user-link').allTextContents();

  beforeAll(async () => {
    ensureAdminUiBuilt();
    mkdirSync(SHOTS, { recursive: true });
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

    admin = await createAdmin(t, { username: 'root_admin', fullName: 'Root Admin', isVerified: true });
    alice = await createUser(t, { username: 'alice', fullName: 'Alice Liddell', isVerified: true });
    bob = await createUser(t, { username: 'bob', fullName: 'Bob Builder', isVerified: true });
    carol = await createUser(t, { username: 'carol', isVerified: true });
    dave = await createUser(t, { username: 'dave', isVerified: true });
    plain = await createUser(t, { username: 'plain_user', isVerified: true });
    xss = await createUser(t, { username: 'xss_user', fullName: XSS });
    // A flagged sign-in (the detection itself is the auth tests' business): the page must mark it.
    await t.dataSource.getRepository(LoginHistory).insert({
      userId: alice.id,
      usernameAttempted: 'alice',
      loginAt: t.clock.date(),
      loginMethod: 'password',
      success: true,
      ipAddress: '203.0.113.77',
      userAgent: 'Mozilla/5.0 (suspicious test)',
      suspicious: true,
    });
    // A username that bypassed validation (e.g. an imported seed database) must still render as text.
    await t.dataSource.query(
      `UPDATE users SET username = $1 WHERE id = $2`.replace(/\$\d/g, t.driver === 'sqlite' ? '?' : '$&'),
      [XSS, xss.id],
    );

    userDataDir = mkdtempSync(join(tmpdir(), 'voicegate-chromium-'));
    context = await launchChromium(userDataDir, { viewport: DESKTOP });
    page = await openPage();
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await t?.close();
  });

  afterEach(() => {
    // Checked (and emptied) after every scenario so a violation names the step that caused it.
    expect({
      csp: csp.splice(0),
      pageErrors: pageErrors.splice(0),
      alerts: dialogs.splice(0),
      tokenInUrl: tokenInUrl.splice(0),
    }).toEqual({
      csp: [],
      pageErrors: [],
      alerts: [],
      tokenInUrl: [],
    });
  });

  it('serves the page with a strict CSP and no framing', async () => {
    const res = await page.goto(`${base}/admin`);
    expect(res?.status()).toBe(200);
    const h = res!.headers();
    expect(h['content-security-policy']).toContain("script-src 'self'");
    expect(h['content-security-policy']).toContain("style-src 'self'");
    expect(h['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(h['content-security-policy']).not.toContain('unsafe-inline');
    expect(h['x-frame-options']).toBe('DENY');
    expect(h['cache-control']).toBe('no-store');
    await page.getByRole('heading', { name: 'Admin sign-in' }).waitFor();
    // No inline style or script anywhere in the served document.
    expect(await page.locator('[style]').count()).toBe(0);
    expect(await page.locator('script:not([src])').count()).toBe(0);
    await shot('01-sign-in-1280');
  });

  it('refuses a wrong password with the API detail, and a non-admin with a clear message', async () => {
    await page.getByLabel('Username or email').fill(admin.username);
    await page.getByLabel('Password', { exact: true }).fill('wrong-password-123');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Incorrect username or password' }).waitFor();

    await signIn(page, plain);
    await page.getByRole('alert').filter({ hasText: 'does not have admin access' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin');
    await shot('02-sign-in-refused-1280');
    // The session the refused sign-in created was ended again.
    const sessions = await eventually(async () => {
      const body = (await t.http.get(`/auth/admin/users/${plain.id}/sessions`).set(api()).expect(200)).body;
      const list: { device_name: string | null; revoked_at: string | null }[] = Array.isArray(body)
        ? body
        : body.sessions;
      const dashboard = list.filter((s) => s.device_name === 'Admin dashboard');
      expect(dashboard).toHaveLength(1);
      expect(dashboard[0].revoked_at).not.toBeNull();
      return list;
    });
    expect(sessions.length).toBeGreaterThanOrEqual(1);
  });

  it('signs an admin in to the user list, keeping tokens out of URLs and storage', async () => {
    await signIn(page, admin);
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/admin/users');
    await eventually(async () =>
      expect(await usernamesInTable(page)).toEqual(
        expect.arrayContaining(['alice', 'bob', 'carol', 'dave', 'root_admin']),
      ),
    );
    const storage = await page.evaluate(() => ({
      local: localStorage.length,
      session: sessionStorage.length,
      cookie: document.cookie,
    }));
    expect(storage).toEqual({ local: 0, session: 0, cookie: '' });
    expect(page.url()).not.toMatch(/token|eyJ/);
    await shot('03-users-1280');
  });

  it('renders a hostile username and full name as text', async () => {
    const row = page.locator('table.users-table tbody tr', { hasText: XSS });
    await eventually(async () => expect(await row.count()).toBe(1));
    expect(await row.locator('.user-link').textContent()).toBe(XSS);
    expect(await row.locator('.sub').textContent()).toBe(XSS);
    expect(await page.locator('img[src="x"], img[onerror]').count()).toBe(0);
    await row.locator('.user-link').click();
    await page.getByRole('heading', { name: XSS, level: 1 }).waitFor();
    expect(await page.locator('#edit-full-name').inputValue()).toBe(XSS);
    expect(await page.locator('img[src="x"], img[onerror]').count()).toBe(0);
    await page.getByRole('link', { name: '← Users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
  });

  it('searches users, matching what the API returns', async () => {
    await page.getByLabel('Search').fill('alic');
    await eventually(async () => expect(await usernamesInTable(page)).toEqual(['alice']));
    expect(new URL(page.url()).searchParams.get('search')).toBe('alic');
    const res = await t.http.get('/auth/admin/users').query({ search: 'alic' }).set(api()).expect(200);
    expect(res.body.total).toBe(1);
    expect(res.body.users.map((u: { username: string }) => u.username)).toEqual(['alice']);
    await page.getByLabel('Search').fill('');
    await eventually(async () => expect((await usernamesInTable(page)).length).toBeGreaterThan(5));
  });

  it('filters by role and sorts by username', async () => {
    await page.getByLabel('Role', { exact: true }).selectOption('admin');
    await eventually(async () => expect(await usernamesInTable(page)).toEqual(['root_admin']));
    const res = await t.http.get('/auth/admin/users').query({ role: 'admin' }).set(api()).expect(200);
    expect(res.body.users.map((u: { username: string }) => u.username)).toEqual(['root_admin']);
    await page.getByLabel('Role', { exact: true }).selectOption('');

    await page.getByRole('button', { name: 'Username', exact: true }).click();
    const sorted = await t.http
      .get('/auth/admin/users')
      .query({ sort: 'username', per_page: 25 })
      .set(api())
      .expect(200);
    const expected = sorted.body.users.map((u: { username: string }) => u.username);
    expect(expected.indexOf('alice')).toBeLessThan(expected.indexOf('bob'));
    await eventually(async () => expect(await usernamesInTable(page)).toEqual(expected));
    expect(new URL(page.url()).searchParams.get('sort')).toBe('username');
    expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain('Username');
  });

  it('opens a user with profile, usage, login history and sessions', async () => {
    await page.goto(`${base}/admin/users`); // a reload: the admin must sign in again (tokens live in memory only)
    await page.getByRole('heading', { name: 'Admin sign-in' }).waitFor();
    await signIn(page, admin);
    await page.getByRole('link', { name: 'alice', exact: true }).click();
    await page.getByRole('heading', { name: 'alice', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/admin/users/${alice.id}`);
    await page.getByText(alice.email).first().waitFor();
    for (const h of ['Usage', 'Profile and role', 'Rate limits', 'Login history', 'Security events'])
      await page.getByRole('heading', { name: h }).waitFor();
    await page.getByRole('heading', { name: /Active sessions \(1\)/ }).waitFor();
    const flagged = page.locator('table.history-table tbody tr.suspicious');
    await eventually(async () => expect(await flagged.count()).toBe(1));
    expect(await flagged.textContent()).toContain('203.0.113.77');
    expect(await flagged.textContent()).toContain('Suspicious');
    const history = (await t.http.get(`/auth/admin/users/${alice.id}/login-history`).set(api()).expect(200)).body;
    expect(
      history.items
        .filter((r: { suspicious: boolean }) => r.suspicious)
        .map((r: { ip_address: string }) => r.ip_address),
    ).toEqual(['203.0.113.77']);
    await shot('04-user-1280');
  });

  it('suspends with a reason and unsuspends', async () => {
    await page.getByRole('button', { name: 'Suspend…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Suspend alice?' });
    await dialog.waitFor();
    expect(await dialog.getByRole('button', { name: 'Suspend' }).isDisabled()).toBe(false); // a reason is optional
    await dialog.getByLabel('Reason').fill('Chargeback under review');
    await dialog.getByRole('button', { name: 'Suspend' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.getByRole('note').filter({ hasText: 'Suspended: Chargeback under review' }).waitFor();
    let u = await getUser(alice.id);
    expect((u.user ?? u).is_suspended).toBe(true);
    expect((u.user ?? u).suspended_reason).toBe('Chargeback under review');
    // Suspension ends the user's sessions: alice's token is refused.
    expect((await t.http.get('/auth/me').set(alice.auth)).status).not.toBe(200);
    await shot('05-user-suspended-1280');

    await page.getByRole('button', { name: 'Unsuspend' }).click();
    await page.getByRole('dialog', { name: 'Unsuspend alice?' }).getByRole('button', { name: 'Unsuspend' }).click();
    await page.getByRole('button', { name: 'Suspend…' }).waitFor();
    u = await getUser(alice.id);
    expect((u.user ?? u).is_suspended).toBe(false);
  });

  it('resets a password and shows the generated one once', async () => {
    await page.getByRole('button', { name: 'Reset password…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Reset the password of alice?' });
    await dialog.getByRole('button', { name: 'Reset password' }).click();
    const shown = page.getByRole('dialog', { name: 'Password reset' });
    await shown.waitFor();
    const generated = await shown.getByRole('textbox', { name: 'Generated password' }).inputValue();
    expect(generated.length).toBeGreaterThanOrEqual(8);
    await shown.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    // The API accepts the new password and no longer the old one.
    await t.http.post('/auth/login').send({ username: 'alice', password: generated }).expect(200);
    expect((await t.http.post('/auth/login').send({ username: 'alice', password: alice.password })).status).toBe(401);
  });

  it('edits the profile and the rate-limit overrides', async () => {
    await page.getByLabel('Full name', { exact: true }).fill('Alice P. Liddell');
    await page.getByRole('button', { name: 'Save profile' }).click();
    await page.getByText('Profile saved').waitFor();
    let u = (await getUser(alice.id)).user;
    expect(u.full_name).toBe('Alice P. Liddell');

    const inEffect = page.locator('#rl-per_minute-now');
    await page.getByLabel('Per minute', { exact: true }).fill('7');
    await page.getByRole('button', { name: 'Save limits' }).click();
    await inEffect.filter({ hasText: 'In effect: 7' }).waitFor();
    u = (await getUser(alice.id)).user;
    expect(u.rate_limit_overrides).toEqual({ per_minute: 7, per_hour: null, per_day: null });
    expect(u.rate_limits.per_minute).toBe(7);

    await page.getByRole('button', { name: 'Use defaults' }).click();
    const roleDefault = t.config.rateLimit.user.perMinute;
    await inEffect.filter({ hasText: `In effect: ${roleDefault}` }).waitFor();
    expect(await page.getByLabel('Per minute', { exact: true }).inputValue()).toBe('');
    u = (await getUser(alice.id)).user;
    expect(u.rate_limit_overrides).toEqual({ per_minute: null, per_hour: null, per_day: null });
  });

  it('revokes one session', async () => {
    await page.goto(`${base}/admin`);
    await signIn(page, admin);
    await page.getByRole('link', { name: 'bob', exact: true }).click();
    await page.getByRole('heading', { name: 'bob', level: 1 }).waitFor();
    const row = page.locator(`tr[data-session-id="${bob.sessionId}"]`);
    await row.getByRole('button', { name: /^Revoke session/ }).click();
    await page
      .getByRole('dialog', { name: 'Revoke this session?' })
      .getByRole('button', { name: 'Revoke session' })
      .click();
    // The detail lists live sessions only: the revoked one leaves the table.
    await row.waitFor({ state: 'detached' });
    await page.getByRole('heading', { name: 'Active sessions (0)' }).waitFor();
    const body = (await t.http.get(`/auth/admin/users/${bob.id}/sessions`).set(api()).expect(200)).body;
    const list: { id: string; revoked_at: string | null; active: boolean }[] = Array.isArray(body)
      ? body
      : body.sessions;
    expect(list.find((s) => s.id === bob.sessionId)).toMatchObject({ active: false, revoked_at: expect.any(String) });
    expect((await t.http.get('/auth/me').set(bob.auth)).status).toBe(401);
  });

  it('bulk-suspends two users', async () => {
    await nav(page, 'Users').click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByRole('checkbox', { name: 'Select carol' }).check();
    await page.getByRole('checkbox', { name: 'Select dave' }).check();
    const bar = page.getByRole('region', { name: 'Bulk actions' });
    await bar.getByText('2 selected').waitFor();
    await bar.getByLabel('Action').selectOption('suspend');
    await bar.getByRole('button', { name: 'Apply…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Suspend 2 users?' });
    await shot('06-bulk-dialog-1280'); // suspended without a reason (it is optional)
    await dialog.getByRole('button', { name: 'Suspend 2' }).click();
    await dialog.waitFor({ state: 'detached' });
    for (const name of ['carol', 'dave'])
      await page
        .locator('table.users-table tbody tr', { has: page.getByRole('link', { name, exact: true }) })
        .getByText('Suspended')
        .waitFor();
    for (const u of [carol, dave]) {
      const body = await getUser(u.id);
      expect((body.user ?? body).is_suspended).toBe(true);
      expect((body.user ?? body).suspended_reason).toBeNull();
    }
    await page.getByLabel('Status').selectOption('suspended');
    await eventually(async () => expect((await usernamesInTable(page)).sort()).toEqual(['carol', 'dave']));
    const res = await t.http.get('/auth/admin/users').query({ status: 'suspended' }).set(api()).expect(200);
    expect(res.body.users.map((u: { username: string }) => u.username).sort()).toEqual(['carol', 'dave']);
    await page.getByLabel('Status').selectOption('');
  });

  it('creates a user and reveals the generated password and API key once; Escape closes dialogs', async () => {
    const open = page.getByRole('button', { name: 'New user' });
    await open.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'New user' });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('new-email'); // focus moves into the dialog
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await open.evaluate((el) => el === document.activeElement)).toBe(true);

    await open.click();
    await dialog.getByLabel('Email', { exact: true }).fill('erin@example.com');
    await dialog.getByLabel('Username', { exact: true }).fill('erin');
    await dialog.getByLabel('Full name (optional)').fill('Erin Example');
    await dialog.getByRole('button', { name: 'Create user' }).click();
    const created = page.getByRole('dialog', { name: 'User created' });
    await created.waitFor();
    const password = await created.getByRole('textbox', { name: 'Generated password' }).inputValue();
    const apiKey = await created.getByRole('textbox', { name: 'API key' }).inputValue();
    expect(apiKey).toMatch(/^tk_/);
    await shot('07-user-created-1280');
    await created.getByRole('button', { name: 'Done' }).click();
    await eventually(async () => expect(await usernamesInTable(page)).toContain('erin'));

    const list = await t.http.get('/auth/admin/users').query({ search: 'erin' }).set(api()).expect(200);
    expect(list.body.users).toHaveLength(1);
    expect(list.body.users[0]).toMatchObject({ email: 'erin@example.com', full_name: 'Erin Example', role: 'user' });
    await t.http.post('/auth/login').send({ username: 'erin', password }).expect(200);
    const me = await t.http.get('/auth/me').set('X-API-Key', apiKey).expect(200);
    expect(me.body.username).toBe('erin');
  });

  it('shows the overview charts with the API figures', async () => {
    await nav(page, 'Overview').click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    const stats = (await t.http.get('/auth/admin/stats').set(api()).expect(200)).body;
    const tile = (label: string) =>
      page.locator('.tile', { has: page.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
    await eventually(async () => expect(await tile('Users').textContent()).toBe(String(stats.users.total)));
    expect(await tile('Suspended').textContent()).toBe(String(stats.users.by_status.suspended));
    expect(stats.users.by_status.suspended).toBe(2);
    expect(await page.locator('canvas[role="img"]').count()).toBe(2);
    // Chart.js drew something: the canvases have pixels that are not transparent.
    const drawn = await page.$$eval('canvas', (cs) =>
      cs.map((c) => {
        const d = (c as HTMLCanvasElement)
          .getContext('2d')!
          .getImageData(0, 0, (c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++;
        return n;
      }),
    );
    expect(drawn.every((n) => n > 500)).toBe(true);
    expect(stats.logins.per_day.length).toBeGreaterThanOrEqual(28);
    await page.getByText('Show the numbers').click();
    expect(await page.locator('.chart-data tbody tr').count()).toBe(stats.logins.per_day.length);
    await shot('08-overview-1280');
  });

  it('lists security events with filters', async () => {
    await nav(page, 'Security events').click();
    await page.getByRole('heading', { name: 'Security events', level: 1 }).waitFor();
    await page.getByLabel('Type').selectOption('admin_user_suspended');
    const res = await t.http
      .get('/auth/admin/security-events')
      .query({ type: 'admin_user_suspended' })
      .set(api())
      .expect(200);
    expect(res.body.total).toBeGreaterThanOrEqual(1);
    await eventually(async () =>
      expect(await page.locator('table.events-table tbody tr').count()).toBe(Math.min(res.body.total, 50)),
    );
    const labels = await page.locator('table.events-table tbody td[data-label="Event"]').allTextContents();
    expect(new Set(labels)).toEqual(new Set(['Admin user suspended']));
    await shot('09-security-events-1280');
  });

  it('webhooks: registers an endpoint (secret shown once), sends a test event, shows the delivery and its response', async () => {
    const got: string[] = [];
    const receiver = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        got.push(String(req.headers['webhook-id']));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      await nav(page, 'Webhooks').click();
      await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
      await page.getByLabel('URL').fill(url);
      await page.getByRole('button', { name: 'Register endpoint' }).click();
      const secret = await page.getByLabel('Signing secret (shown once)', { exact: true }).inputValue();
      recordSecret(secret);
      expect(secret).toMatch(/^whsec_/);
      const [endpoint] = (await t.http.get('/auth/admin/webhooks').set(api()).expect(200)).body;
      expect(endpoint).toMatchObject({ url, events: ['user.suspended', 'user.deleted'], enabled: true });
      await page.getByRole('button', { name: 'I have stored it' }).click();
      await page.getByRole('button', { name: 'Send test' }).click();
      await eventually(async () => expect(got).toHaveLength(1));
      await eventually(async () => {
        await page.getByRole('button', { name: 'Refresh' }).click();
        const row = page.locator('tr', { hasText: 'webhook.test' });
        expect(await row.textContent()).toMatch(/succeeded.*200/);
      });
      const deliveries = (await t.http.get(`/auth/admin/webhooks/${endpoint.id}/deliveries`).set(api())).body;
      expect(deliveries.deliveries[0]).toMatchObject({ id: got[0], status: 'succeeded', response_status: 200 });
      expect(await page.content()).not.toContain(secret.slice(6)); // gone once dismissed
      await shot('10-webhooks-1280');
    } finally {
      receiver.closeAllConnections();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  it('fits a phone screen', async () => {
    const fits = async (name: string) => {
      await page.waitForLoadState('networkidle');
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await shot(name);
    };
    await page.setViewportSize(PHONE);
    await nav(page, 'Users').click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await fits('10-users-390');
    await page.getByRole('link', { name: 'alice', exact: true }).click();
    await page.getByRole('heading', { name: 'alice', level: 1 }).waitFor();
    await fits('11-user-390');
    await nav(page, 'Overview').click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await fits('12-overview-390');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Admin sign-in' }).waitFor();
    await fits('13-sign-in-390');
    await signIn(page, admin);
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.setViewportSize(DESKTOP);
  });

  it('signs out: the session is revoked and the page is back at sign-in', async () => {
    let token = '';
    page.on('request', (r) => {
      const h = r.headers().authorization;
      if (h?.startsWith('Bearer ')) token = h.slice(7);
    });
    await nav(page, 'Security events').click();
    await eventually(async () => expect(token).not.toBe(''));
    await t.http.get('/auth/me').set('Authorization', `Bearer ${token}`).expect(200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Admin sign-in' }).waitFor();
    await page.getByText('You have signed out.').waitFor();
    await eventually(async () =>
      expect((await t.http.get('/auth/me').set('Authorization', `Bearer ${token}`)).status).toBe(401),
    );
  });

  it('returns to sign-in with a message when the session is revoked elsewhere', async () => {
    await signIn(page, admin);
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    expect(lastSessionId).not.toBe('');
    // Another admin (the API test token) revokes exactly the dashboard's session.
    await t.http.delete(`/auth/admin/users/${admin.id}/sessions/${lastSessionId}`).set(api()).expect(204);
    await nav(page, 'Overview').click();
    await page.getByRole('heading', { name: 'Admin sign-in' }).waitFor();
    await page.getByText(/session has ended/).waitFor();
    await shot('13-session-ended-1280');
  });

  it('refreshes the tokens silently before the access token expires, storing the rotated refresh token', async () => {
    const p = await openPage();
    await p.clock.install();
    const refreshes: { status: number; body: { refresh_token?: string; tokens?: { refresh_token: string } } }[] = [];
    const sent: string[] = [];
    p.on('request', (r) => {
      if (r.url().endsWith('/auth/refresh')) sent.push(JSON.parse(r.postData() ?? '{}').refresh_token);
    });
    p.on('response', async (r) => {
      if (r.url().endsWith('/auth/refresh')) refreshes.push({ status: r.status(), body: await r.json() });
    });
    await signIn(p, admin);
    await p.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    const ttl = t.config.jwt.accessTtlSeconds;
    await p.clock.runFor((ttl - 30) * 1000);
    await eventually(async () => expect(refreshes).toHaveLength(1));
    expect(refreshes[0].status).toBe(200);
    // Second round: the page presents the refresh token it received in the first rotation.
    await p.clock.runFor((ttl - 30) * 1000);
    await eventually(async () => expect(refreshes).toHaveLength(2));
    expect(refreshes[1].status).toBe(200);
    expect(sent[1]).toBe(refreshes[0].body.tokens?.refresh_token ?? refreshes[0].body.refresh_token);
    expect(sent[1]).not.toBe(sent[0]);
    // Still signed in and working with the rotated tokens.
    await nav(p, 'Overview').click();
    await p.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await p.close();
  });
});
