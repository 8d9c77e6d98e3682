/// <reference lib="dom" />
/**
 * Second factors on the account page (/account/security) in Debian's headless Chromium with the DevTools protocol's
 * virtual authenticator (ctap2, internal, resident key, user verification): register a passkey, sign out, sign in
 * with it; set up TOTP by reading the key the page shows, sign in with a code, then with a recovery code.
 * Screenshots land in test-output/screenshots/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSync } from 'otplib';
import { BrowserContext, Page } from 'playwright-core';
import { createTestApp, TestApp } from '../app.factory';
import { ensureAdminUiBuilt, launchChromium, SHOTS } from '../support/browser';
import { createAdmin, createUser, TestUser } from '../factories/user.factory';
import { freePort } from '../support/infrastructure';

jest.setTimeout(180_000);

describe('second factors on the account page in a real browser', () => {
  let t: TestApp;
  let base: string;
  let context: BrowserContext;
  let userDataDir: string;
  let page: Page;
  let user: TestUser;
  const pageErrors: string[] = [];
  const csp: string[] = [];
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `account-mfa-${name}.png`), fullPage: true });
  /** A code of the next 30 s step of the server's clock (a code is accepted once, so each sign-in takes a new step). */
  const nextCode = (secret: string) => {
    t.clock.advance(30_000);
    return generateSync({ secret, epoch: Math.floor(t.clock.now() / 1000) });
  };

  beforeAll(async () => {
    ensureAdminUiBuilt();
    mkdirSync(SHOTS, { recursive: true });
    const port = await freePort();
    // WebAuthn needs a secure context and a host name as the RP id: http://localhost qualifies.
    base = `http://localhost:${port}`;
    t = await createTestApp({ env: { WEBAUTHN_RP_ID: 'localhost', WEBAUTHN_ORIGINS: base } });
    await t.app.listen(port, '127.0.0.1');
    user = await createUser(t, { username: 'passkey_pat', isVerified: true });

    userDataDir = mkdtempSync(join(tmpdir(), 'voicegate-chromium-'));
    context = await launchChromium(userDataDir, {
      viewport: { width: 1100, height: 900 },
      extraArgs: ['--host-resolver-rules=MAP localhost 127.0.0.1'],
    });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    page.on('console', (m) => {
      if (/Content[- ]Security[- ]Policy|Refused to/i.test(m.text())) csp.push(m.text());
    });
    page.on('dialog', (d) => void d.accept());
    const cdp = await context.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: {
        protocol: 'ctap2',
        transport: 'internal',
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
    await t?.close();
  });

  async function passwordStep(): Promise<void> {
    await page.goto(`${base}/account/security`);
    await page.getByLabel('Username or email').fill(user.username);
    await page.getByLabel('Password', { exact: true }).fill(user.password);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  }

  const signedIn = () => page.getByRole('heading', { name: 'Sign-in security' }).waitFor();
  const signOut = async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to your account' }).waitFor();
  };

  it('registers a passkey, signs out, and signs in with it alone', async () => {
    await passwordStep();
    await signedIn();
    await page.getByLabel('Passkey name').fill('Virtual laptop');
    await page.getByRole('button', { name: 'Add a passkey' }).click();
    await page.getByText('Virtual laptop').waitFor();
    await shot('passkey-registered');
    const listed = await t.http.get('/auth/passkeys').set(user.auth).expect(200);
    expect(listed.body).toEqual([expect.objectContaining({ name: 'Virtual laptop' })]);

    await signOut();
    await page.getByRole('button', { name: 'Sign in with a passkey' }).click();
    await signedIn();
    await shot('passkey-signed-in');
    const history = await t.http.get('/auth/login-history').set(user.auth).expect(200);
    expect(history.body.items[0]).toMatchObject({ success: true, login_method: 'passkey', second_factor: 'webauthn' });
  });

  let secret = '';
  let recovery: string[] = [];

  it('sets up TOTP from the key the page shows, with recovery codes shown once', async () => {
    await page.getByRole('button', { name: 'Set up an authenticator app' }).click();
    await page.getByRole('img', { name: 'QR code of the authenticator key' }).waitFor();
    secret = (await page.getByTestId('totp-secret').textContent())!.trim();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    await shot('totp-qr');
    await page.getByLabel('Code from the app').fill(nextCode(secret));
    await page.getByRole('button', { name: 'Confirm' }).click();
    await page.getByTestId('recovery-codes').waitFor();
    recovery = (await page.getByTestId('recovery-codes').locator('code').allTextContents()).map((c) => c.trim());
    expect(recovery).toHaveLength(10);
    await expect(page.getByRole('link', { name: 'Download the codes' }).getAttribute('download')).resolves.toBe(
      'voicegate-recovery-codes.txt',
    );
    await shot('totp-recovery-codes');
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.getByTestId('recovery-remaining').waitFor();
    expect(await page.getByTestId('recovery-remaining').textContent()).toBe('10');
    await signOut();
  });

  it('the password sign-in then asks for the second factor: a code works', async () => {
    await passwordStep();
    await page.getByRole('heading', { name: 'Second factor' }).waitFor();
    await shot('second-factor-step');
    await page.getByLabel('Code from your authenticator app').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByText('Invalid code').waitFor();
    await page.getByLabel('Code from your authenticator app').fill(nextCode(secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await signedIn();
    await signOut();
  });

  it('… and a recovery code works once', async () => {
    await passwordStep();
    await page.getByRole('button', { name: 'Use a recovery code' }).click();
    await page.getByLabel('Recovery code').fill(recovery[0]);
    await page.getByRole('button', { name: 'Verify' }).click();
    await signedIn();
    expect(await page.getByTestId('recovery-remaining').textContent()).toBe('9');
    await shot('recovery-code-signed-in');
    const history = await t.http.get('/auth/login-history').set(user.auth).expect(200);
    expect(history.body.items[0]).toMatchObject({ success: true, second_factor: 'recovery_code' });
    await signOut();
  });

  it('the passkey also answers the second-factor step', async () => {
    await passwordStep();
    await page.getByRole('button', { name: 'Use your passkey' }).click();
    await signedIn();
    expect(pageErrors).toEqual([]);
    expect(csp).toEqual([]);
  });

  it("the dashboard's user page shows the factors and resets them", async () => {
    const admin = await createAdmin(t, { username: 'mfa_admin', isVerified: true });
    await page.goto(`${base}/admin`);
    await page.getByLabel('Username or email').fill(admin.username);
    await page.getByLabel('Password', { exact: true }).fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    await page.evaluate((to) => {
      history.pushState(null, '', to);
      dispatchEvent(new PopStateEvent('popstate'));
    }, `/admin/users/${user.id}`);
    const factors = page.getByTestId('user-factors');
    await factors.getByText('Authenticator app: on (9 recovery codes left)').waitFor();
    await factors.getByText('Passkeys: Virtual laptop').waitFor();
    await shot('admin-user-factors');
    await page.getByRole('button', { name: 'Reset second factors…' }).click();
    await factors.getByText('Authenticator app: off').waitFor();
    const status = await t.http.get(`/auth/admin/users/${user.id}/mfa`).set(admin.auth).expect(200);
    expect(status.body).toMatchObject({ totp: false, passkeys: 0, enabled: false });
  });
});
