import { useEffect } from 'preact/hooks';
import { Flashes, useAuth, WhoAmI } from '../components/shell';
import { Link } from '../components/ui';
import { useLocation } from '../router';
import { AccountSignIn } from './sign-in';
import { ACCOUNT_ROUTES } from './routes';

/** The account page of every signed-in user (same build, styles and API client as the admin dashboard). */
export function AccountApp() {
  const auth = useAuth();
  const loc = useLocation();
  const route = ACCOUNT_ROUTES.find((r) => r.path === loc.path);

  useEffect(() => {
    (document.querySelector<HTMLElement>('main h1') ?? document.querySelector<HTMLElement>('main'))?.focus();
  }, [loc.path]);

  if (route?.public) {
    const Page = route.page;
    return <Page loc={loc} />;
  }
  if (!auth.user) return <AccountSignIn notice={auth.notice} />;

  const Page = route?.page;
  const nav = ACCOUNT_ROUTES.filter((r) => r.label && !r.public);
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <div class="topbar-inner">
          <Link href="/account" class="brand">
            Voicegate <span>account</span>
          </Link>
          <nav aria-label="Account">
            <ul>
              {nav.map((n) => (
                <li key={n.path}>
                  <Link href={n.path} ariaCurrent={n.path === loc.path}>
                    {n.label}
                  </Link>
                </li>
              ))}
              {auth.user.role === 'admin' && (
                <li>
                  <a href="/admin/users">Admin</a>
                </li>
              )}
            </ul>
          </nav>
          <WhoAmI user={auth.user} />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {Page ? (
          <Page loc={loc} />
        ) : (
          <>
            <h1 tabIndex={-1}>Page not found</h1>
            <p>
              There is no account page at this address. <Link href="/account">Go to your profile</Link>.
            </p>
          </>
        )}
      </main>
      <Flashes />
    </>
  );
}
