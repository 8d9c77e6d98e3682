import { useEffect, useRef, useState } from 'preact/hooks';
import { SecondFactorForm } from '../account/second-factor-step';
import { finishAdminSignIn, NotAdminError, SecondFactorRequired, signIn, type SecondFactorStep } from '../api';
import { ErrorBox } from '../components/ui';
import { errorText } from '../hooks';

export function SignInPage({ notice }: { notice: string | null }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [step, setStep] = useState<SecondFactorStep | null>(null);
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Sign in · Voicegate admin';
    first.current?.focus();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(username.trim(), password);
    } catch (err) {
      if (err instanceof SecondFactorRequired) setStep(err.step);
      else setError(err instanceof NotAdminError ? err.message : errorText(err));
      setPassword('');
      setBusy(false);
    }
  };

  if (step)
    return (
      <main id="main" class="sign-in">
        <div class="card sign-in-card">
          <h1 id="sign-in-title">Admin sign-in</h1>
          <SecondFactorForm
            step={step}
            onDone={async (data) => void (await finishAdminSignIn(data))}
            onCancel={() => (setStep(null), setBusy(false))}
          />
        </div>
      </main>
    );

  return (
    <main id="main" class="sign-in">
      <form class="card sign-in-card" onSubmit={submit} aria-labelledby="sign-in-title">
        <p class="brand-large" aria-hidden="true">
          Voicegate
        </p>
        <h1 id="sign-in-title">Admin sign-in</h1>
        {notice && (
          <p class="alert info" role="status">
            {notice}
          </p>
        )}
        <div class="field">
          <label for="username">Username or email</label>
          <input
            id="username"
            ref={first}
            name="username"
            autoComplete="username"
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
        <p class="hint">Only accounts with the admin role can use this dashboard. Reloading the page signs you out.</p>
      </form>
    </main>
  );
}
