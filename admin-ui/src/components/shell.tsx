import { useEffect, useState } from 'preact/hooks';
import { authSnapshot, signOut, subscribeAuth, type AuthSnapshot } from '../api';
import { dismiss, useFlashes } from '../flash';
import type { UserOut } from '../types';

/** Who is signed in, re-rendered on every sign-in, refresh and sign-out. */
export function useAuth(): AuthSnapshot {
  const [s, setS] = useState(authSnapshot);
  useEffect(() => subscribeAuth(() => setS(authSnapshot())), []);
  return s;
}

/** The top bar's signed-in user and the sign-out button (dashboard and account page). */
export function WhoAmI({ user }: { user: Pick<UserOut, 'email' | 'username'> }) {
  return (
    <div class="whoami">
      <span class="who" title={user.email}>
        {user.username}
      </span>
      <button type="button" class="btn small" onClick={() => void signOut()}>
        Sign out
      </button>
    </div>
  );
}

/** The flash messages, announced politely to screen readers, each dismissible. */
export function Flashes() {
  const flashes = useFlashes();
  return (
    <div class="flashes" aria-live="polite" role="status">
      {flashes.map((f) => (
        <div key={f.id} class={`flash ${f.kind}`}>
          <span>{f.text}</span>
          <button type="button" class="btn icon" aria-label="Dismiss message" onClick={() => dismiss(f.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
