import { useEffect, useState } from 'preact/hooks';
import { authSnapshot, signOut, subscribeAuth } from '../api';
import { AccountSignIn } from './account-sign-in';
import { SecurityPage } from './security-page';

/**
 * The smallest mount of the account components (/account/security) until the account app (issue 22) takes them:
 * the sign-in when signed out, else the second-factor page.
 */
export function AccountSecurityApp() {
  const [auth, setAuth] = useState(authSnapshot);
  useEffect(() => subscribeAuth(() => setAuth(authSnapshot())), []);
  if (!auth.user) return <AccountSignIn notice={auth.notice} />;
  return (
    <>
      <header class="topbar">
        <div class="topbar-inner">
          <span class="brand">
            Voicegate <span>account</span>
          </span>
          <div class="whoami">
            <span class="who">{auth.user.username}</span>
            <button type="button" class="btn small" onClick={() => void signOut()}>
              Sign out
            </button>
          </div>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <SecurityPage />
      </main>
    </>
  );
}
