import { useEffect, useRef, useState } from 'preact/hooks';
import { adoptSession, passwordSignIn, SecondFactorRequired, type SecondFactorStep } from '../api';
import { ErrorBox } from '../components/ui';
import { errorText } from '../hooks';
import { passkeySignIn } from './mfa-api';
import { SecondFactorForm } from './second-factor-step';

/** The account page's sign-in (any role): password then, when asked, the second factor; or a passkey alone. */
export function AccountSignIn({ notice }: { notice: string | null }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [step, setStep] = useState<SecondFactorStep | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    document.title = 'Sign in · Voicegate account';
    first.current?.focus();
  }, []);

  const attempt = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      if (err instanceof SecondFactorRequired) setStep(err.step);
      else setError(errorText(err));
      setPassword('');
      setBusy(false);
    }
  };

  return (
    <main id="main" class="sign-in">
      <div class="card sign-in-card">
        <p class="brand-large" aria-hidden="true">
          Voicegate
        </p>
        <h1 id="sign-in-title">Sign in to your account</h1>
        {notice && !step && (
          <p class="alert info" role="status">
            {notice}
          </p>
        )}
        {step ? (
          <SecondFactorForm step={step} onDone={(data) => void adoptSession(data)} onCancel={() => setStep(null)} />
        ) : (
          <>
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void attempt(async () => {
                  adoptSession(await passwordSignIn(username.trim(), password, 'Account page'));
                });
              }}
            >
              <div class="field">
                <label for="username">Username or email</label>
                <input
                  id="username"
                  ref={first}
                  name="username"
                  autoComplete="username webauthn"
                  required
                  value={username}
                  onInput={(e) => setUsername((e.currentTarget as HTMLInputElement).value)}
                />
              </div>
              <div class="field">
                <label for="password">Password</label>
                <input
                  id="password"
                  name="password"
                  type="password"
                  autoComplete="current-password"
                  required
                  value={password}
                  onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
                />
              </div>
              {error && <ErrorBox message={error} />}
              <button type="submit" class="btn primary block" disabled={busy} aria-busy={busy}>
                {busy ? 'Signing in…' : 'Sign in'}
              </button>
            </form>
            <button
              type="button"
              class="btn block"
              disabled={busy}
              onClick={() =>
                void attempt(async () => void adoptSession(await passkeySignIn(username.trim() || undefined)))
              }
            >
              Sign in with a passkey
            </button>
          </>
        )}
        <p class="hint">Reloading the page signs you out: your tokens are kept in this page's memory only.</p>
      </div>
    </main>
  );
}
