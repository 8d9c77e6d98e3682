import { useEffect, useState } from 'preact/hooks';
import { Flashes, useAuth, WhoAmI } from './components/shell';
import { Link } from './components/ui';
import { EventsPage } from './pages/events';
import { OverviewPage } from './pages/overview';
import { SignInPage } from './pages/sign-in';
import { UserPage } from './pages/user';
import { UsersPage } from './pages/users';
import { WebhooksPage } from './pages/webhooks';
import { navigate, useLocation } from './router';

const NAV = [
  { href: '/admin/overview', label: 'Overview' },
  { href: '/admin/users', label: 'Users' },
  { href: '/admin/security-events', label: 'Security events' },
  { href: '/admin/webhooks', label: 'Webhooks' },
];

export function App() {
  const auth = useAuth();
  const loc = useLocation();

  // "/admin" itself has no page: after sign-in it is the user list.
  useEffect(() => {
    if (auth.user && loc.path === '/admin') navigate('/admin/users', { replace: true });
  }, [auth.user, loc.path]);

  // On navigation, move focus to the new page's heading so keyboard and screen-reader users land on it.
  const [lastPath, setLastPath] = useState(loc.path);
  useEffect(() => {
    if (loc.path === lastPath) return;
    setLastPath(loc.path);
    (document.querySelector<HTMLElement>('main h1') ?? document.querySelector<HTMLElement>('main'))?.focus();
  }, [loc.path]);

  if (!auth.user) return <SignInPage notice={auth.notice} />;

  const userMatch = /^\/admin\/users\/([^/]+)$/.exec(loc.path);
  let page;
  if (loc.path === '/admin/users' || loc.path === '/admin') page = <UsersPage loc={loc} />;
  else if (userMatch) page = <UserPage key={userMatch[1]} id={decodeURIComponent(userMatch[1])} />;
  else if (loc.path === '/admin/overview') page = <OverviewPage />;
  else if (loc.path === '/admin/security-events') page = <EventsPage loc={loc} />;
  else if (loc.path === '/admin/webhooks') page = <WebhooksPage />;
  else
    page = (
      <>
        <h1 tabIndex={-1}>Page not found</h1>
        <p>
          There is no dashboard page at this address. <Link href="/admin/users">Go to users</Link>.
        </p>
      </>
    );

  const section = NAV.find((n) => loc.path === n.href || loc.path.startsWith(`${n.href}/`));

  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <div class="topbar-inner">
          <Link href="/admin/overview" class="brand">
            Voicegate <span>admin</span>
          </Link>
          <nav aria-label="Main">
            <ul>
              {NAV.map((n) => (
                <li key={n.href}>
                  <Link href={n.href} ariaCurrent={section?.href === n.href}>
                    {n.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
          <WhoAmI user={auth.user} />
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {page}
      </main>
      <Flashes />
    </>
  );
}
