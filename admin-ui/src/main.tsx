import { render } from 'preact';
import { AccountApp } from './account/account-app';
import { App } from './app';

// One build, two pages: the admin dashboard at /admin, every user's account page at /account.
const isAccount = location.pathname === '/account' || location.pathname.startsWith('/account/');
render(isAccount ? <AccountApp /> : <App />, document.getElementById('app')!);
