/// <reference lib="dom" />
/**
 * The pages email links open, in Debian's headless Chromium (playwright-core) against the real app and a real SMTP
 * sink: the reset mail's link opened, the page's button pressed, a new password set, then sign-in with it. Opening
 * the link alone spends nothing. Screenshots land in test-output/screenshots/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrowserContext, Page } from 'playwright-core';
import { createTestApp, TestApp } from '../app.factory';
import { ensureAdminUiBuilt, launchChromium, SHOTS } from '../support/browser';
import { Role } from '../../src/users/users.enums';
import { createUser } from '../factories/user.factory';
import { SmtpSink } from '../support/smtp-sink';

jest.setTimeout(120_000);

describe('email links in a real browser', () => {
  const sink = new SmtpSink();
  let t: TestApp;
  let base: string;
  let context: BrowserContext;
  let userDataDir: string;
  const pageErrors: string[] = [];
  const csp: string[] = [];

  async function openPage(): Promise<Page> {
    const p = await context.newPage();
    p.on('pageerror', (e) => pageErrors.push(String(e)));
    p.on('console', (m) => {
      if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) csp.push(m.text());
    });
    return p;
  }

  beforeAll(async () => {
    ensureAdminUiBuilt();
    mkdirSync(SHOTS, { recursive: true });
    await sink.start();
    // PUBLIC_URL is set once the port is known: the app reads it from its config object.
    t = await createTestApp({ env: { SMTP_URL: sink.url } });
    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    t.config.mail.publicUrl = base;
    userDataDir = mkdtempSync(join(tmpdir(), 'voicegate-chromium-'));
    context = await launchChromium(userDataDir, { viewport: { width: 1280, height: 860 } });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await t?.close();
    await sink.stop();
  });

  it('reset: the link opens a page (nothing spent), the button sets the new password, sign-in works with it', async () => {
    const u = await createUser(t, { isVerified: true });
    await t.http.post('/auth/password-reset').send({ email: u.email }).expect(202);
    const [mail] = await sink.waitFor(u.email, /Reset your/);
    expect(mail.link!.startsWith(`${base}/account/reset-password?token=`)).toBe(true);

    const page = await openPage();
    await page.goto(mail.link!);
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    // The token left the address bar; the page has it in memory.
    expect(page.url()).toBe(`${base}/account/reset-password`);
    await page.screenshot({ path: join(SHOTS, 'email-reset-password-form.png'), fullPage: true });
    // Opening the link spent nothing: the old password still signs in.
    await t.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(200);

    const fresh = 'Browser-Chosen-Passphrase-31';
    await page.getByLabel('New password', { exact: true }).fill(fresh);
    await page.getByLabel('Repeat the new password').fill(fresh);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('Your password has been changed').waitFor();
    await page.screenshot({ path: join(SHOTS, 'email-reset-password-done.png'), fullPage: true });

    await t.http.post('/auth/login').send({ username: u.username, password: u.password }).expect(401);
    const ok = await t.http.post('/auth/login').send({ username: u.username, password: fresh }).expect(200);
    expect(ok.body.user.id).toBe(u.id);
    await page.close();
  });

  it('verify: the link opens a page, the button confirms the address; a spent link says so', async () => {
    const u = await createUser(t);
    await t.http.post('/auth/email-verification').set(u.auth).expect(202);
    const [mail] = await sink.waitFor(u.email, /Confirm/);
    const page = await openPage();
    await page.goto(mail.link!);
    await page.getByRole('button', { name: 'Confirm email address' }).waitFor();
    expect((await t.http.get('/auth/me').set(u.auth).expect(200)).body.is_verified).toBe(false);
    await page.getByRole('button', { name: 'Confirm email address' }).click();
    await page.getByText('is confirmed').waitFor();
    await page.screenshot({ path: join(SHOTS, 'email-verify-done.png'), fullPage: true });
    expect((await t.http.get('/auth/me').set(u.auth).expect(200)).body.is_verified).toBe(true);

    const again = await openPage();
    await again.goto(mail.link!);
    await again.getByRole('button', { name: 'Confirm email address' }).click();
    await again.getByText('invalid, has expired or has already been used').waitFor();
    await again.close();
    await page.close();
  });

  it('the dashboard shows the verification state and sends verification and reset links from the user page', async () => {
    const admin = await createUser(t, { role: Role.Admin, isVerified: true });
    const u = await createUser(t, { username: `mailme_${Date.now().toString(36)}` });
    const page = await openPage();
    await page.goto(`${base}/admin`);
    await page.getByLabel('Username or email').fill(admin.username);
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('link', { name: u.username, exact: true }).click();
    await page.getByRole('heading', { name: u.username }).waitFor();
    await page.getByText('Not verified').waitFor();
    await page.getByRole('button', { name: 'Send verification' }).click();
    await page.getByText(`Verification link sent to ${u.email}`).waitFor();
    await page.getByRole('button', { name: 'Send password reset' }).click();
    await page.getByText(`Password reset link sent to ${u.email}`).waitFor();
    await page.screenshot({ path: join(SHOTS, 'email-dashboard-user-actions.png'), fullPage: true });
    await sink.waitFor(u.email, /Confirm/);
    await sink.waitFor(u.email, /Reset your/);
    await page.close();
  });

  it('the pages ran without errors or CSP violations', () => {
    expect(pageErrors).toEqual([]);
    expect(csp).toEqual([]);
  });
});
