import { useEffect, useState } from 'preact/hooks';
import { api, authSnapshot, updateSessionUser } from '../api';
import { ActionDialog, Dialog } from '../components/dialog';
import { EventsTable } from '../components/events-table';
import { UserFactorsSection } from '../components/user-factors';
import { Badge, CopyField, ErrorBox, Link, Loading, Section, StatusBadges } from '../components/ui';
import { UserKeys } from '../components/user-keys';
import { flash } from '../flash';
import { formatDate, formatNumber, isLocked, label, shortUserAgent } from '../format';
import { errorText, useLoad } from '../hooks';
import { navigate } from '../router';
import type {
  LoginHistoryRow,
  Quota,
  QuotaKind,
  RateLimits,
  Role,
  SecurityEvent,
  GeneratedPassword,
  SessionRow,
  UserDetail,
  UserOut,
} from '../types';

type DialogState =
  | { kind: 'none' }
  | { kind: 'suspend' }
  | { kind: 'unsuspend' }
  | { kind: 'reset' }
  | { kind: 'revoke-all' }
  | { kind: 'revoke'; session: SessionRow }
  | { kind: 'delete' };

export function UserPage({ id }: { id: string }) {
  const base = `/auth/admin/users/${encodeURIComponent(id)}`;
  const detail = useLoad(() => api<UserDetail>('GET', base), [id]);
  const [dialog, setDialog] = useState<DialogState>({ kind: 'none' });
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const close = () => setDialog({ kind: 'none' });

  const d = detail.data;
  const user: UserOut | undefined = d?.user;
  const history: LoginHistoryRow[] = d?.login_history ?? [];
  const sessions: SessionRow[] = d?.sessions ?? [];
  const events: SecurityEvent[] = d?.security_events ?? [];
  const me = authSnapshot().user;
  const isSelf = !!user && me?.id === user.id;

  useEffect(() => {
    document.title = `${user?.username ?? 'User'} · Voicegate admin`;
  }, [user?.username]);

  /** Actions that need no confirmation (unlock): run, report, reload. */
  const run = async (what: string, fn: () => Promise<unknown>) => {
    setBusy(true);
    setActionError(null);
    try {
      await fn();
      flash(what);
      detail.reload();
    } catch (e) {
      setActionError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const done = (what: string) => {
    flash(what);
    close();
    detail.reload();
  };

  if (detail.error && !d) {
    return (
      <>
        <p class="crumbs">
          <Link href="/admin/users">← Users</Link>
        </p>
        <h1 tabIndex={-1}>User</h1>
        <ErrorBox message={detail.error} onRetry={detail.reload} />
      </>
    );
  }
  if (!user) return <Loading text="Loading user…" />;

  const activeSessions = sessions.filter(
    (s) => !s.revoked_at && (!s.expires_at || new Date(s.expires_at).getTime() > Date.now()),
  );
  const usage = { ...(user.usage ?? {}), ...(d?.usage ?? {}) };

  return (
    <>
      <p class="crumbs">
        <Link href="/admin/users">← Users</Link>
      </p>
      <div class="page-head">
        <div>
          <h1 tabIndex={-1} class="break">
            {user.username}
          </h1>
          <p class="sub">
            <span class="break">{user.email}</span> · <span class={`role role-${user.role}`}>{label(user.role)}</span>{' '}
            <StatusBadges user={user} />
            {isSelf && <Badge kind="self">You</Badge>}
          </p>
        </div>
        <div class="actions" role="group" aria-label="Account actions">
          {user.is_suspended ? (
            <button type="button" class="btn" onClick={() => setDialog({ kind: 'unsuspend' })}>
              Unsuspend
            </button>
          ) : (
            <button
              type="button"
              class="btn warn"
              disabled={isSelf}
              title={isSelf ? 'You cannot suspend yourself' : undefined}
              onClick={() => setDialog({ kind: 'suspend' })}
            >
              Suspend…
            </button>
          )}
          {isLocked(user) && (
            <button
              type="button"
              class="btn"
              disabled={busy}
              onClick={() => run(`${user.username} unlocked`, () => api('POST', `${base}/unlock`, { body: {} }))}
            >
              Unlock
            </button>
          )}
          <button type="button" class="btn" onClick={() => setDialog({ kind: 'reset' })}>
            Reset password…
          </button>
          <button
            type="button"
            class="btn"
            disabled={busy}
            onClick={() =>
              run(`Password reset link sent to ${user.email}`, () => api('POST', `${base}/send-password-reset`))
            }
          >
            Send password reset
          </button>
          {!user.is_verified && (
            <button
              type="button"
              class="btn"
              disabled={busy}
              onClick={() =>
                run(`Verification link sent to ${user.email}`, () => api('POST', `${base}/send-verification`))
              }
            >
              Send verification
            </button>
          )}
          <button
            type="button"
            class="btn danger"
            disabled={isSelf}
            title={isSelf ? 'You cannot delete yourself' : undefined}
            onClick={() => setDialog({ kind: 'delete' })}
          >
            Delete…
          </button>
        </div>
      </div>

      {actionError && <ErrorBox message={actionError} />}
      {detail.error && <ErrorBox message={detail.error} onRetry={detail.reload} />}
      {user.is_suspended && (
        <p class="alert warning" role="note">
          Suspended{user.suspended_reason ? ': ' : ''}
          {user.suspended_reason}
        </p>
      )}
      {isLocked(user) && (
        <p class="alert warning" role="note">
          Locked after failed sign-ins until {formatDate(user.locked_until)}.
        </p>
      )}

      <div class="grid two">
        <Section title="Usage">
          <dl class="stats">
            <Stat label="Requests" value={usage.total_requests} />
            <Stat label="Transcriptions" value={usage.transcriptions} />
            <Stat label="Translations" value={usage.translations} />
            <Stat label="Text to speech" value={usage.tts} />
            {usage.jobs && <Stat label="Jobs" value={usage.jobs.total} />}
          </dl>
          <dl class="facts">
            <dt>Email</dt>
            <dd>{user.is_verified ? 'Verified' : 'Not verified'}</dd>
            <dt>User id</dt>
            <dd class="mono small">{user.id}</dd>
            <dt>API key</dt>
            <dd class="mono">{user.api_key_prefix ? `${user.api_key_prefix}…` : '—'}</dd>
            <dt>API key last used</dt>
            <dd>{formatDate(usage.api_key_last_used_at ?? user.api_key_last_used_at)}</dd>
            <dt>Created</dt>
            <dd>{formatDate(user.created_at)}</dd>
            <dt>Last login</dt>
            <dd>{formatDate(user.last_login_at)}</dd>
            <dt>Password changed</dt>
            <dd>{formatDate(user.password_changed_at)}</dd>
          </dl>
        </Section>
        <Section title="Profile and role">
          <ProfileForm
            key={`${user.id}-${user.updated_at ?? ''}`}
            user={user}
            isSelf={isSelf}
            base={base}
            onSaved={detail.reload}
          />
        </Section>
      </div>

      <UserFactorsSection base={base} username={user.username} onReset={detail.reload} />

      <Section title="Rate limits">
        <RateLimitsForm key={`rl-${user.updated_at ?? ''}`} user={user} base={base} onSaved={detail.reload} />
      </Section>

      {user.quota && (
        <Section title="Monthly quota">
          <QuotaForm key={`q-${user.updated_at ?? ''}`} user={user} base={base} onSaved={detail.reload} />
        </Section>
      )}

      <Section
        title={`Active sessions (${activeSessions.length})`}
        actions={
          activeSessions.length > 0 && (
            <button type="button" class="btn danger small" onClick={() => setDialog({ kind: 'revoke-all' })}>
              Revoke all…
            </button>
          )
        }
      >
        <SessionsTable sessions={sessions} onRevoke={(s) => setDialog({ kind: 'revoke', session: s })} />
      </Section>

      <UserKeys base={base} />

      <Section title="Login history">
        <LoginHistoryTable rows={history} />
      </Section>

      <Section title="Security events">
        <EventsTable events={events} showUser={false} />
      </Section>

      {dialog.kind === 'suspend' && (
        <SuspendDialog user={user} base={base} onClose={close} onDone={() => done(`${user.username} suspended`)} />
      )}
      {dialog.kind === 'unsuspend' && (
        <ActionDialog
          title={`Unsuspend ${user.username}?`}
          submitLabel="Unsuspend"
          onClose={close}
          onSubmit={async () => {
            await api('POST', `${base}/unsuspend`, { body: {} });
            done(`${user.username} unsuspended`);
          }}
        >
          <p>The user can sign in again.</p>
        </ActionDialog>
      )}
      {dialog.kind === 'reset' && (
        <ResetPasswordDialog user={user} base={base} onClose={close} onDone={detail.reload} />
      )}
      {dialog.kind === 'revoke-all' && (
        <ActionDialog
          title={`Revoke all sessions of ${user.username}?`}
          submitLabel="Revoke all"
          danger
          onClose={close}
          onSubmit={async () => {
            await api('DELETE', `${base}/sessions`);
            done('All sessions revoked');
          }}
        >
          <p>Every device of this user is signed out at once{isSelf ? ', including this dashboard' : ''}.</p>
        </ActionDialog>
      )}
      {dialog.kind === 'revoke' && (
        <ActionDialog
          title="Revoke this session?"
          submitLabel="Revoke session"
          danger
          onClose={close}
          onSubmit={async () => {
            await api('DELETE', `${base}/sessions/${encodeURIComponent(dialog.session.id)}`);
            done('Session revoked');
          }}
        >
          <p>
            {dialog.session.device_name || 'Unnamed device'} · {dialog.session.ip_address ?? 'unknown IP'} — signed in{' '}
            {formatDate(dialog.session.created_at)}.
          </p>
        </ActionDialog>
      )}
      {dialog.kind === 'delete' && <DeleteDialog user={user} base={base} onClose={close} />}
    </>
  );
}

function Stat({ label: text, value }: { label: string; value: number | undefined }) {
  return (
    <div class="stat">
      <dt>{text}</dt>
      <dd>{formatNumber(value ?? 0)}</dd>
    </div>
  );
}

function ProfileForm({
  user,
  isSelf,
  base,
  onSaved,
}: {
  user: UserOut;
  isSelf: boolean;
  base: string;
  onSaved: () => void;
}) {
  const [form, setForm] = useState({
    email: user.email,
    username: user.username,
    full_name: user.full_name ?? '',
    role: user.role,
    is_active: user.is_active,
    is_verified: user.is_verified,
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const text = (k: 'email' | 'username' | 'full_name') => (e: Event) =>
    setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });
  const check = (k: 'is_active' | 'is_verified') => (e: Event) =>
    setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).checked });

  const changes: Record<string, unknown> = {};
  if (form.email.trim() !== user.email) changes.email = form.email.trim();
  if (form.username.trim() !== user.username) changes.username = form.username.trim();
  if (form.full_name.trim() !== (user.full_name ?? '')) changes.full_name = form.full_name.trim() || null;
  if (form.role !== user.role) changes.role = form.role;
  if (form.is_active !== user.is_active) changes.is_active = form.is_active;
  if (form.is_verified !== user.is_verified) changes.is_verified = form.is_verified;
  const dirty = Object.keys(changes).length > 0;

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const updated = await api<UserOut>('PUT', base, { body: changes });
      if (updated && typeof updated === 'object' && 'id' in updated) updateSessionUser(updated);
      flash('Profile saved');
      onSaved();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} class="form-grid">
      <div class="field">
        <label for="edit-email">Email</label>
        <input id="edit-email" type="email" required value={form.email} onInput={text('email')} />
      </div>
      <div class="field">
        <label for="edit-username">Username</label>
        <input
          id="edit-username"
          required
          minLength={3}
          maxLength={32}
          value={form.username}
          onInput={text('username')}
        />
      </div>
      <div class="field">
        <label for="edit-full-name">Full name</label>
        <input id="edit-full-name" value={form.full_name} onInput={text('full_name')} />
      </div>
      <div class="field">
        <label for="edit-role">Role</label>
        <select
          id="edit-role"
          value={form.role}
          disabled={isSelf}
          onChange={(e) => setForm({ ...form, role: (e.currentTarget as HTMLSelectElement).value as Role })}
        >
          <option value="user">User</option>
          <option value="admin">Admin</option>
        </select>
        {isSelf && <p class="hint">You cannot change your own role.</p>}
      </div>
      <div class="checks">
        <label class="check-label">
          <input type="checkbox" checked={form.is_active} disabled={isSelf} onChange={check('is_active')} /> Active (can
          sign in)
        </label>
        <label class="check-label">
          <input type="checkbox" checked={form.is_verified} onChange={check('is_verified')} /> Email verified
        </label>
      </div>
      {error && <ErrorBox message={error} />}
      <div class="form-actions">
        <button type="submit" class="btn primary" disabled={!dirty || busy} aria-busy={busy}>
          {busy ? 'Saving…' : 'Save profile'}
        </button>
      </div>
    </form>
  );
}

const WINDOWS: { key: keyof RateLimits; label: string }[] = [
  { key: 'per_minute', label: 'Per minute' },
  { key: 'per_hour', label: 'Per hour' },
  { key: 'per_day', label: 'Per day' },
];

function RateLimitsForm({ user, base, onSaved }: { user: UserOut; base: string; onSaved: () => void }) {
  // Older servers send only the effective limits; then those are what the form starts from.
  const overrides = user.rate_limit_overrides !== undefined ? user.rate_limit_overrides : user.rate_limits;
  const initial = (k: keyof RateLimits) => {
    const v = overrides?.[k];
    return typeof v === 'number' ? String(v) : '';
  };
  const [form, setForm] = useState({
    per_minute: initial('per_minute'),
    per_hour: initial('per_hour'),
    per_day: initial('per_day'),
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async (limits: RateLimits | null, message: string) => {
    setBusy(true);
    setError(null);
    try {
      await api<UserOut>('PUT', base, { body: { rate_limits: limits } });
      // "Use defaults" clears every override: the fields show the role default again.
      if (limits === null) setForm({ per_minute: '', per_hour: '', per_day: '' });
      flash(message);
      onSaved();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const parse = (v: string) => (v.trim() === '' ? null : Number(v));

  return (
    <form
      class="limits"
      onSubmit={(e) => {
        e.preventDefault();
        void save(
          { per_minute: parse(form.per_minute), per_hour: parse(form.per_hour), per_day: parse(form.per_day) },
          'Rate limits saved',
        );
      }}
    >
      <p class="hint">
        Requests this user may make. An empty field uses the role's default; "Use defaults" removes every override.
      </p>
      <div class="limits-fields">
        {WINDOWS.map((w) => (
          <div class="field" key={w.key}>
            <label for={`rl-${w.key}`}>{w.label}</label>
            <input
              id={`rl-${w.key}`}
              type="number"
              min={1}
              step={1}
              inputMode="numeric"
              placeholder="Role default"
              value={form[w.key]}
              aria-describedby={`rl-${w.key}-now`}
              onInput={(e) => setForm({ ...form, [w.key]: (e.currentTarget as HTMLInputElement).value })}
            />
            <p class="hint" id={`rl-${w.key}-now`}>
              In effect: {formatNumber(user.rate_limits?.[w.key] ?? undefined)}
            </p>
          </div>
        ))}
      </div>
      {error && <ErrorBox message={error} />}
      <div class="form-actions">
        <button
          type="button"
          class="btn"
          disabled={busy}
          onClick={() => void save(null, 'Rate limits reset to defaults')}
        >
          Use defaults
        </button>
        <button type="submit" class="btn primary" disabled={busy} aria-busy={busy}>
          Save limits
        </button>
      </div>
    </form>
  );
}

const QUOTA_KINDS: { key: QuotaKind; label: string }[] = [
  { key: 'transcriptions', label: 'Transcriptions' },
  { key: 'translations', label: 'Translations' },
  { key: 'tts', label: 'Text to speech' },
  { key: 'audio_seconds', label: 'Audio seconds' },
];

/** This month's usage against the quota in effect, and the admin's overrides (an empty field: unlimited). */
function QuotaForm({ user, base, onSaved }: { user: UserOut; base: string; onSaved: () => void }) {
  const quota = user.quota!;
  const month = user.usage?.month;
  const initial = (k: QuotaKind) => (typeof quota[k] === 'number' ? String(quota[k]) : '');
  const [form, setForm] = useState<Record<QuotaKind, string>>({
    transcriptions: initial('transcriptions'),
    translations: initial('translations'),
    tts: initial('tts'),
    audio_seconds: initial('audio_seconds'),
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async (next: Quota | null, message: string) => {
    setBusy(true);
    setError(null);
    try {
      await api<UserOut>('PUT', base, { body: { quota: next } });
      flash(message);
      onSaved();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const parse = (v: string) => (v.trim() === '' ? null : Number(v));

  return (
    <form
      class="limits"
      onSubmit={(e) => {
        e.preventDefault();
        void save(
          {
            transcriptions: parse(form.transcriptions),
            translations: parse(form.translations),
            tts: parse(form.tts),
            audio_seconds: parse(form.audio_seconds),
          },
          'Quota saved',
        );
      }}
    >
      <p class="hint">
        Per UTC calendar month{month ? `; resets ${formatDate(month.resets_at)}` : ''}. An empty field is unlimited;
        "Use default quotas" returns to the server's configured ones.
      </p>
      <div class="limits-fields">
        {QUOTA_KINDS.map((k) => {
          const used = month?.[k.key] ?? 0;
          const limit = quota[k.key];
          return (
            <div class="field" key={k.key}>
              <label for={`q-${k.key}`}>{k.label}</label>
              <input
                id={`q-${k.key}`}
                type="number"
                min={0}
                step={k.key === 'audio_seconds' ? 'any' : 1}
                inputMode="numeric"
                placeholder="Unlimited"
                value={form[k.key]}
                aria-describedby={`q-${k.key}-used`}
                onInput={(e) => setForm({ ...form, [k.key]: (e.currentTarget as HTMLInputElement).value })}
              />
              {limit !== null && <meter min={0} max={limit || 1} value={Math.min(used, limit)} />}
              <p class="hint" id={`q-${k.key}-used`}>
                Used this month: {formatNumber(used)} of {limit === null ? 'unlimited' : formatNumber(limit)}
              </p>
            </div>
          );
        })}
      </div>
      {error && <ErrorBox message={error} />}
      <div class="form-actions">
        <button type="button" class="btn" disabled={busy} onClick={() => void save(null, 'Quota reset to defaults')}>
          Use default quotas
        </button>
        <button type="submit" class="btn primary" disabled={busy} aria-busy={busy}>
          Save quota
        </button>
      </div>
    </form>
  );
}

function sessionState(s: SessionRow): { text: string; kind: string; active: boolean } {
  if (s.revoked_at) return { text: 'Revoked', kind: 'inactive', active: false };
  if (s.expires_at && new Date(s.expires_at).getTime() <= Date.now())
    return { text: 'Expired', kind: 'inactive', active: false };
  return { text: s.current ? 'This dashboard' : 'Active', kind: 'active', active: true };
}

function SessionsTable({ sessions, onRevoke }: { sessions: SessionRow[]; onRevoke: (s: SessionRow) => void }) {
  if (sessions.length === 0) return <p class="empty">No sessions.</p>;
  return (
    <div class="table-wrap">
      <table class="data responsive sessions-table">
        <thead>
          <tr>
            <th scope="col">Device</th>
            <th scope="col">IP</th>
            <th scope="col">Signed in</th>
            <th scope="col">Last active</th>
            <th scope="col">Expires</th>
            <th scope="col">State</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((s) => {
            const st = sessionState(s);
            return (
              <tr key={s.id} class={st.active ? undefined : 'muted'} data-session-id={s.id}>
                <td data-label="Device">
                  {s.device_name || 'Unnamed device'}
                  <span class="sub" title={s.user_agent ?? undefined}>
                    {shortUserAgent(s.user_agent)}
                  </span>
                </td>
                <td data-label="IP" class="mono small">
                  {s.ip_address ?? '—'}
                </td>
                <td data-label="Signed in">{formatDate(s.created_at)}</td>
                <td data-label="Last active">{formatDate(s.last_active_at)}</td>
                <td data-label="Expires">{formatDate(s.expires_at)}</td>
                <td data-label="State">
                  <Badge kind={st.kind}>{st.text}</Badge>
                </td>
                <td data-label="Actions">
                  {st.active && (
                    <button
                      type="button"
                      class="btn small danger"
                      onClick={() => onRevoke(s)}
                      aria-label={`Revoke session on ${s.device_name || 'unnamed device'} from ${s.ip_address ?? 'unknown IP'}`}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function LoginHistoryTable({ rows }: { rows: LoginHistoryRow[] }) {
  if (rows.length === 0) return <p class="empty">No sign-in attempts recorded.</p>;
  return (
    <div class="table-wrap">
      <table class="data responsive history-table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Result</th>
            <th scope="col">Method</th>
            <th scope="col">IP</th>
            <th scope="col">Client</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.id} class={r.suspicious ? 'suspicious' : undefined}>
              <td data-label="Time">{formatDate(r.login_at)}</td>
              <td data-label="Result">
                {r.success ? <Badge kind="active">Success</Badge> : <Badge kind="suspended">Failed</Badge>}
                {r.suspicious && <Badge kind="suspicious">⚠ Suspicious</Badge>}
                {!r.success && r.failure_reason && <span class="sub">{label(r.failure_reason)}</span>}
              </td>
              <td data-label="Method">{r.login_method ? label(r.login_method) : '—'}</td>
              <td data-label="IP" class="mono small">
                {r.ip_address ?? '—'}
              </td>
              <td data-label="Client" class="small" title={r.user_agent ?? undefined}>
                {shortUserAgent(r.user_agent)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function SuspendDialog({
  user,
  base,
  onClose,
  onDone,
}: {
  user: UserOut;
  base: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const [reason, setReason] = useState('');
  return (
    <ActionDialog
      title={`Suspend ${user.username}?`}
      submitLabel="Suspend"
      danger
      onClose={onClose}
      onSubmit={async () => {
        await api('POST', `${base}/suspend`, { body: reason.trim() ? { reason: reason.trim() } : {} });
        onDone();
      }}
    >
      <p>The user is signed out everywhere and cannot sign in or use their API key until unsuspended.</p>
      <div class="field">
        <label for="suspend-reason">Reason (optional; the user does not see it)</label>
        <textarea
          id="suspend-reason"
          maxLength={500}
          rows={3}
          autofocus
          value={reason}
          onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </div>
    </ActionDialog>
  );
}

function ResetPasswordDialog({
  user,
  base,
  onClose,
  onDone,
}: {
  user: UserOut;
  base: string;
  onClose: () => void;
  onDone: () => void;
}) {
  const [password, setPassword] = useState('');
  const [generated, setGenerated] = useState<string | null>(null);
  if (generated) {
    return (
      <Dialog title="Password reset" onClose={onClose}>
        <div class="dialog-body">
          <p class="alert warning" role="note">
            The new password of {user.username} is shown only once. Copy it now.
          </p>
          <CopyField id="reset-generated" label="Generated password" value={generated} />
        </div>
        <div class="dialog-actions">
          <button type="button" class="btn primary" onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }
  return (
    <ActionDialog
      title={`Reset the password of ${user.username}?`}
      submitLabel="Reset password"
      danger
      onClose={onClose}
      onSubmit={async () => {
        const res = await api<GeneratedPassword | undefined>('POST', `${base}/reset-password`, {
          body: password ? { new_password: password } : {},
        });
        onDone();
        if (res?.generated_password) setGenerated(res.generated_password);
        else {
          flash(`Password of ${user.username} reset`);
          onClose();
        }
      }}
    >
      <p>Every session of the user ends.</p>
      <div class="field">
        <label for="reset-password">New password (optional)</label>
        <input
          id="reset-password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          maxLength={128}
          autofocus
          value={password}
          onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)}
          aria-describedby="reset-password-hint"
        />
        <p class="hint" id="reset-password-hint">
          Leave empty to generate one; it is shown once.
        </p>
      </div>
    </ActionDialog>
  );
}

function DeleteDialog({ user, base, onClose }: { user: UserOut; base: string; onClose: () => void }) {
  const [confirm, setConfirm] = useState('');
  return (
    <ActionDialog
      title={`Delete ${user.username}?`}
      submitLabel="Delete user"
      danger
      submitDisabled={confirm !== user.username}
      onClose={onClose}
      onSubmit={async () => {
        await api('DELETE', base);
        flash(`User ${user.username} deleted`);
        onClose();
        navigate('/admin/users');
      }}
    >
      <p class="alert warning">This deletes the account and its sessions, keys and history. It cannot be undone.</p>
      <div class="field">
        <label for="delete-confirm">Type the username ({user.username}) to confirm</label>
        <input
          id="delete-confirm"
          autoComplete="off"
          autofocus
          value={confirm}
          onInput={(e) => setConfirm((e.currentTarget as HTMLInputElement).value)}
        />
      </div>
    </ActionDialog>
  );
}
