import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { ErrorBox, Section } from '../../components/ui';
import { flash } from '../../flash';
import { errorText } from '../../hooks';

export function PasswordPage() {
  useEffect(() => void (document.title = 'Password · Voicegate account'), []);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (next !== confirm) return setError('The two new passwords differ.');
    setBusy(true);
    try {
      await api('POST', '/auth/change-password', { body: { current_password: current, new_password: next } });
      setCurrent('');
      setNext('');
      setConfirm('');
      flash('Password changed. Your other sessions have been signed out.');
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1 tabIndex={-1}>Password</h1>
      <Section title="Change your password">
        <form onSubmit={submit} class="form-grid">
          <div class="field">
            <label for="current">Current password</label>
            <input
              id="current"
              type="password"
              autoComplete="current-password"
              required
              value={current}
              onInput={(e) => setCurrent(e.currentTarget.value)}
            />
          </div>
          <div class="field">
            <label for="next">New password</label>
            <input
              id="next"
              type="password"
              autoComplete="new-password"
              required
              minLength={8}
              maxLength={128}
              value={next}
              onInput={(e) => setNext(e.currentTarget.value)}
            />
            <p class="hint">8–128 characters, not your username or email, not a common password.</p>
          </div>
          <div class="field">
            <label for="confirm">New password again</label>
            <input
              id="confirm"
              type="password"
              autoComplete="new-password"
              required
              value={confirm}
              onInput={(e) => setConfirm(e.currentTarget.value)}
            />
          </div>
          {error && <ErrorBox message={error} />}
          <button type="submit" class="btn primary" disabled={busy} aria-busy={busy}>
            {busy ? 'Changing…' : 'Change password'}
          </button>
        </form>
      </Section>
    </>
  );
}
