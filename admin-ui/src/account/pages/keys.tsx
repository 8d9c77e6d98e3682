import { useEffect, useState } from 'preact/hooks';
import { api, authSnapshot } from '../../api';
import { ActionDialog } from '../../components/dialog';
import { Badge, CopyField, ErrorBox, Loading, Section } from '../../components/ui';
import { flash } from '../../flash';
import { formatDate } from '../../format';
import { errorText, useLoad } from '../../hooks';
import type { PersonalKey } from '../../types';

const USER_SCOPES = [
  'profile:read',
  'profile:write',
  'jobs:read',
  'jobs:write',
  'service_keys:read',
  'service_keys:write',
  'transcribe',
  'translate',
  'tts',
];
const ADMIN_SCOPES = ['admin', 'introspect'];

type Revealed = { name: string; key: string; verb: 'created' | 'rolled' };
type Dialog = { kind: 'none' } | { kind: 'roll'; key: PersonalKey } | { kind: 'delete'; key: PersonalKey };

/** The caller's API keys: create with scopes, expiry and limits; the key is shown once; roll; delete. */
export function KeysPage() {
  useEffect(() => void (document.title = 'API keys · Voicegate account'), []);
  const keys = useLoad(() => api<PersonalKey[]>('GET', '/auth/api-keys'), []);
  const [revealed, setRevealed] = useState<Revealed | null>(null);
  const [dialog, setDialog] = useState<Dialog>({ kind: 'none' });
  const [overlap, setOverlap] = useState('0');

  return (
    <>
      <h1 tabIndex={-1}>API keys</h1>
      {revealed && (
        <section class="card reveal" aria-labelledby="revealed-title">
          <h2 id="revealed-title">
            Key “{revealed.name}” {revealed.verb}: copy it now
          </h2>
          <p>This is the only time the key is shown. Store it somewhere safe; it cannot be shown again.</p>
          <CopyField id="revealed-key" label="API key" value={revealed.key} />
          <button type="button" class="btn" onClick={() => setRevealed(null)}>
            I have stored it
          </button>
        </section>
      )}
      <CreateKey
        onCreated={(k) => {
          setRevealed({ name: k.name, key: k.key!, verb: 'created' });
          keys.reload();
        }}
      />
      <Section title="Your keys">
        {keys.error && <ErrorBox message={keys.error} onRetry={keys.reload} />}
        {keys.loading && !keys.data && <Loading />}
        {keys.data && keys.data.length === 0 && <p class="empty">You have no API keys.</p>}
        {keys.data && keys.data.length > 0 && (
          <div class="table-wrap">
            <table class="data responsive keys-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Key</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Expires</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {keys.data.map((k) => (
                  <tr key={k.id} data-key-name={k.name}>
                    <td data-label="Name">{k.name}</td>
                    <td data-label="Key" class="mono">
                      {k.prefix}…
                    </td>
                    <td data-label="Scopes">
                      {k.all_scopes ? <Badge kind="active">every scope</Badge> : k.scopes.join(', ') || 'none'}
                    </td>
                    <td data-label="Expires">{k.expires_at ? formatDate(k.expires_at) : 'never'}</td>
                    <td data-label="Last used">{formatDate(k.last_used_at)}</td>
                    <td class="actions">
                      <button type="button" class="btn small" onClick={() => setDialog({ kind: 'roll', key: k })}>
                        Roll
                      </button>
                      <button
                        type="button"
                        class="btn small danger"
                        onClick={() => setDialog({ kind: 'delete', key: k })}
                      >
                        Delete
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      {dialog.kind === 'roll' && (
        <ActionDialog
          title={`Roll “${dialog.key.name}”`}
          submitLabel="Roll key"
          onClose={() => setDialog({ kind: 'none' })}
          onSubmit={async () => {
            const rolled = await api<PersonalKey>('POST', `/auth/api-keys/${dialog.key.id}/roll`, {
              body: { overlap_seconds: Number(overlap) },
            });
            setDialog({ kind: 'none' });
            setRevealed({ name: rolled.name, key: rolled.key!, verb: 'rolled' });
            keys.reload();
          }}
        >
          <p>The key gets a new secret; its name, scopes, expiry and limits stay.</p>
          <div class="field">
            <label for="overlap">The old secret keeps working for</label>
            <select id="overlap" value={overlap} onChange={(e) => setOverlap(e.currentTarget.value)}>
              <option value="0">no time (it stops now)</option>
              <option value="300">5 minutes</option>
              <option value="3600">1 hour</option>
              <option value="86400">24 hours</option>
            </select>
          </div>
        </ActionDialog>
      )}
      {dialog.kind === 'delete' && (
        <ActionDialog
          title={`Delete “${dialog.key.name}”`}
          submitLabel="Delete key"
          danger
          onClose={() => setDialog({ kind: 'none' })}
          onSubmit={async () => {
            await api('DELETE', `/auth/api-keys/${dialog.key.id}`);
            setDialog({ kind: 'none' });
            flash(`Key “${dialog.key.name}” deleted; it no longer works.`);
            keys.reload();
          }}
        >
          <p>Anything still using this key is refused from its next request on. This cannot be undone.</p>
        </ActionDialog>
      )}
    </>
  );
}

function CreateKey({ onCreated }: { onCreated: (k: PersonalKey) => void }) {
  const isAdmin = authSnapshot().user?.role === 'admin';
  const available = isAdmin ? [...USER_SCOPES, ...ADMIN_SCOPES] : USER_SCOPES;
  const [name, setName] = useState('');
  const [allScopes, setAllScopes] = useState(false);
  const [scopes, setScopes] = useState<string[]>([]);
  const [expiry, setExpiry] = useState('90');
  const [perMinute, setPerMinute] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const toggle = (s: string) => setScopes((cur) => (cur.includes(s) ? cur.filter((x) => x !== s) : [...cur, s]));

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    if (!allScopes && scopes.length === 0) return setError('Choose at least one scope, or every scope.');
    setBusy(true);
    try {
      const body: Record<string, unknown> = { name: name.trim() };
      if (!allScopes) body.scopes = scopes;
      if (expiry !== 'never') body.expires_in_days = Number(expiry);
      if (perMinute.trim()) body.rate_limits = { per_minute: Number(perMinute) };
      const created = await api<PersonalKey>('POST', '/auth/api-keys', { body });
      setName('');
      setScopes([]);
      setPerMinute('');
      onCreated(created);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Section title="Create a key">
      <form onSubmit={submit} class="form-grid" aria-label="Create an API key">
        <div class="field">
          <label for="key-name">Name</label>
          <input id="key-name" required maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          <p class="hint">What uses it, e.g. “transcriber on build-42”.</p>
        </div>
        <fieldset class="field">
          <legend>Scopes</legend>
          <label class="check">
            <input type="checkbox" checked={allScopes} onChange={(e) => setAllScopes(e.currentTarget.checked)} />
            Every scope (can also manage keys, password and sessions)
          </label>
          {!allScopes && (
            <div class="scope-grid">
              {available.map((s) => (
                <label key={s} class="check">
                  <input type="checkbox" value={s} checked={scopes.includes(s)} onChange={() => toggle(s)} />
                  <span class="mono">{s}</span>
                </label>
              ))}
            </div>
          )}
        </fieldset>
        <div class="field">
          <label for="key-expiry">Expires</label>
          <select id="key-expiry" value={expiry} onChange={(e) => setExpiry(e.currentTarget.value)}>
            <option value="7">in 7 days</option>
            <option value="30">in 30 days</option>
            <option value="90">in 90 days</option>
            <option value="365">in a year</option>
            <option value="never">never</option>
          </select>
        </div>
        <div class="field">
          <label for="key-rpm">Requests per minute (optional, on top of your own limit)</label>
          <input
            id="key-rpm"
            type="number"
            min={1}
            value={perMinute}
            onInput={(e) => setPerMinute(e.currentTarget.value)}
          />
        </div>
        {error && <ErrorBox message={error} />}
        <button type="submit" class="btn primary" disabled={busy} aria-busy={busy}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
      </form>
    </Section>
  );
}
