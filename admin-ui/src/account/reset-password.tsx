import { useEffect, useState } from 'preact/hooks';
import { ErrorBox } from '../components/ui';
import { postPublic, takeLinkToken } from './link-token';

/** Opened from a reset mail: the new password is set only when the form is sent (a POST). */
export function ResetPasswordPage() {
  const [token] = useState(takeLinkToken);
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    document.title = 'Choose a new password · Voicegate';
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (password !== repeat) {
      setError('The two passwords differ.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await postPublic('/auth/password-reset/confirm', { token, new_password: password });
      setDone(true);
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setPassword('');
      setRepeat('');
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <form class="card sign-in-card" onSubmit={submit} aria-labelledby="reset-title">
        <p class="brand-large" aria-hidden="true">
          Voicegate
        </p>
        <h1 id="reset-title" tabIndex={-1}>
          Choose a new password
        </h1>
        {!token ? (
          <ErrorBox message="This page needs the link from your mail. Open the link again, or ask for a new one." />
        ) : done ? (
          <p class="alert info" role="status">
            Your password has been changed and every session was signed out. Sign in with the new password.
          </p>
        ) : (
          <>
            <div class="field">
              <label for="new-password">New password</label>
              <input
                id="new-password"
                type="password"
                autoComplete="new-password"
                required
                minLength={8}
                maxLength={128}
                value={password}
                onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
              />
            </div>
            <div class="field">
              <label for="repeat-password">Repeat the new password</label>
              <input
                id="repeat-password"
                type="password"
                autoComplete="new-password"
                required
                value={repeat}
                onInput={(e) => setRepeat((e.currentTarget as HTMLInputElement).value)}
              />
            </div>
            {error && <ErrorBox message={error} />}
            <button type="submit" class="btn primary block" disabled={busy} aria-busy={busy}>
              {busy ? 'Setting the password…' : 'Set new password'}
            </button>
            <p class="hint">8 to 128 characters, not a common password, not your username or email address.</p>
          </>
        )}
      </form>
    </main>
  );
}
