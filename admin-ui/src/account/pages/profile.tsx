import { useEffect, useState } from 'preact/hooks';
import { api, updateSessionUser } from '../../api';
import { ErrorBox, Loading, Section } from '../../components/ui';
import { flash } from '../../flash';
import { formatDate } from '../../format';
import { errorText, useLoad } from '../../hooks';
import type { UserOut } from '../../types';

export function ProfilePage() {
  useEffect(() => void (document.title = 'Profile · Voicegate account'), []);
  const me = useLoad(() => api<UserOut>('GET', '/auth/me'), []);
  return (
    <>
      <h1 tabIndex={-1}>Your profile</h1>
      {me.error && <ErrorBox message={me.error} onRetry={me.reload} />}
      {me.loading && !me.data && <Loading />}
      {me.data && <ProfileForm key={me.data.updated_at} user={me.data} onSaved={me.reload} />}
    </>
  );
}

function ProfileForm({ user, onSaved }: { user: UserOut; onSaved: () => void }) {
  const [fullName, setFullName] = useState(user.full_name ?? '');
  const [username, setUsername] = useState(user.username);
  const [email, setEmail] = useState(user.email);
  const [currentPassword, setCurrentPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const emailChanged = email.trim().toLowerCase() !== user.email;

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const body: Record<string, unknown> = { full_name: fullName, username };
      if (emailChanged) Object.assign(body, { email: email.trim(), current_password: currentPassword });
      const saved = await api<UserOut>('PUT', '/auth/profile', { body });
      updateSessionUser(saved);
      flash('Profile saved.');
      setCurrentPassword('');
      onSaved();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Section title="Details">
        <form onSubmit={submit} class="form-grid">
          <div class="field">
            <label for="full_name">Full name</label>
            <input id="full_name" value={fullName} onInput={(e) => setFullName(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="username">Username</label>
            <input id="username" required value={username} onInput={(e) => setUsername(e.currentTarget.value)} />
          </div>
          <div class="field">
            <label for="email">Email</label>
            <input id="email" type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
            <p class="hint">{user.is_verified ? 'Verified.' : 'Not verified yet.'}</p>
          </div>
          {emailChanged && (
            <div class="field">
              <label for="current_password">Current password (needed to change the email)</label>
              <input
                id="current_password"
                type="password"
                autoComplete="current-password"
                required
                value={currentPassword}
                onInput={(e) => setCurrentPassword(e.currentTarget.value)}
              />
            </div>
          )}
          {error && <ErrorBox message={error} />}
          <button type="submit" class="btn primary" disabled={busy} aria-busy={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </form>
      </Section>
      <Section title="Account">
        <dl class="facts">
          <dt>Role</dt>
          <dd>{user.role}</dd>
          <dt>Member since</dt>
          <dd>{formatDate(user.created_at)}</dd>
          <dt>Last sign-in</dt>
          <dd>{formatDate(user.last_login_at)}</dd>
          <dt>Password changed</dt>
          <dd>{formatDate(user.password_changed_at ?? null)}</dd>
          <dt>Default API key</dt>
          <dd class="mono">{user.api_key_prefix ? `${user.api_key_prefix}…` : 'none'}</dd>
        </dl>
      </Section>
    </>
  );
}
