import type { JSX } from 'preact';
import type { Location } from '../router';
import { ActivityPage } from './pages/activity';
import { KeysPage } from './pages/keys';
import { PasswordPage } from './pages/password';
import { ProfilePage } from './pages/profile';
import { SessionsPage } from './pages/sessions';
import { UsagePage } from './pages/usage';
import { SecurityPage } from './security-page';
import { ResetPasswordPage } from './reset-password';
import { VerifyEmailPage } from './verify-email';

export interface AccountRoute {
  path: string;
  /** Shown in the account navigation when set. */
  label?: string;
  /** Opened without signing in, and drawn whole, with its own <main> (the pages email links open). */
  public?: boolean;
  page: (props: { loc: Location }) => JSX.Element;
}

/** Every account page: adding one is one line here. */
export const ACCOUNT_ROUTES: AccountRoute[] = [
  { path: '/account', label: 'Profile', page: ProfilePage },
  { path: '/account/password', label: 'Password', page: PasswordPage },
  { path: '/account/sessions', label: 'Sessions', page: SessionsPage },
  { path: '/account/security', label: 'Second factors', page: SecurityPage },
  { path: '/account/api-keys', label: 'API keys', page: KeysPage },
  { path: '/account/activity', label: 'Activity', page: ActivityPage },
  { path: '/account/usage', label: 'Usage', page: UsagePage },
  // The pages email links open: no sign-in, each is a whole page (its own <main>).
  { path: '/account/verify-email', public: true, page: VerifyEmailPage },
  { path: '/account/reset-password', public: true, page: ResetPasswordPage },
];
