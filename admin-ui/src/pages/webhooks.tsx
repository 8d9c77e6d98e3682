import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { Badge, CopyField, ErrorBox, Loading, Pagination, Section } from '../components/ui';
import { flash } from '../flash';
import { formatDate } from '../format';
import { errorText, useLoad } from '../hooks';
import type { WebhookDelivery, WebhookDeliveryPage, WebhookEndpoint } from '../types';

// The events an endpoint can subscribe to (src/webhooks/webhooks.enums.ts).
const EVENTS = [
  'user.created',
  'user.updated',
  'user.suspended',
  'user.unsuspended',
  'user.deleted',
  'session.revoked',
  'api_key.created',
  'api_key.revoked',
  'mfa.disabled',
  'security.alert',
  'quota.threshold',
];
const BASE = '/auth/admin/webhooks';
const STATUS_BADGE: Record<WebhookDelivery['status'], string> = {
  succeeded: 'active',
  pending: 'unverified',
  failed: 'suspended',
};

/** The signing secret of the last create or rotation: shown once, until the admin dismisses it. */
function SecretNotice({ secret, onDone }: { secret: string; onDone: () => void }) {
  return (
    <div class="alert" role="status">
      <CopyField id="webhook-secret" label="Signing secret (shown once)" value={secret} />
      <p class="hint">Give it to the receiver now: it verifies the webhook-signature header with it.</p>
      <button type="button" class="btn small" onClick={onDone}>
        I have stored it
      </button>
    </div>
  );
}

function NewEndpoint({ onCreated }: { onCreated: (e: WebhookEndpoint) => void }) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<string[]>(['user.suspended', 'user.deleted']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const created = await api<WebhookEndpoint>('POST', BASE, {
        body: { url: url.trim(), events, ...(description.trim() ? { description: description.trim() } : {}) },
      });
      setUrl('');
      setDescription('');
      onCreated(created);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={submit} aria-label="Register a webhook endpoint">
      {error && <ErrorBox message={error} />}
      <div class="field">
        <label for="wh-url">URL</label>
        <input
          id="wh-url"
          type="url"
          required
          placeholder="https://app.example.com/hooks/voicegate"
          value={url}
          onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)}
        />
      </div>
      <div class="field">
        <label for="wh-description">Description</label>
        <input
          id="wh-description"
          maxLength={500}
          value={description}
          onInput={(e) => setDescription((e.currentTarget as HTMLInputElement).value)}
        />
      </div>
      <fieldset class="field">
        <legend>Events</legend>
        {EVENTS.map((name) => (
          <label key={name} class="checkbox">
            <input
              type="checkbox"
              checked={events.includes(name)}
              onChange={(e) =>
                setEvents((cur) =>
                  (e.currentTarget as HTMLInputElement).checked ? [...cur, name] : cur.filter((x) => x !== name),
                )
              }
            />{' '}
            <span class="mono">{name}</span>
          </label>
        ))}
      </fieldset>
      <button type="submit" class="btn primary" disabled={busy || !events.length} aria-busy={busy}>
        Register endpoint
      </button>
    </form>
  );
}

function Deliveries({ endpoint, version }: { endpoint: WebhookEndpoint; version: number }) {
  const [page, setPage] = useState(1);
  const list = useLoad(
    () => api<WebhookDeliveryPage>('GET', `${BASE}/${endpoint.id}/deliveries`, { query: { page, per_page: 20 } }),
    [endpoint.id, page, version],
  );
  const retry = async (d: WebhookDelivery) => {
    try {
      await api('POST', `${BASE}/${endpoint.id}/deliveries/${d.id}/retry`);
      flash('Delivery queued again');
      list.reload();
    } catch (err) {
      flash(errorText(err), 'error');
    }
  };
  if (list.error) return <ErrorBox message={list.error} onRetry={list.reload} />;
  if (!list.data) return <Loading />;
  const rows = list.data.deliveries;
  return (
    <>
      <div class="card-actions">
        <button type="button" class="btn small" onClick={list.reload}>
          Refresh
        </button>
      </div>
      {rows.length === 0 ? (
        <p class="empty">No deliveries yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="data">
            <caption class="visually-hidden">Recent deliveries to {endpoint.url}, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Status</th>
                <th scope="col">Response</th>
                <th scope="col">Tries</th>
                <th scope="col">Created</th>
                <th scope="col">Next try</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((d) => (
                <tr key={d.id}>
                  <td class="mono" title={`webhook-id ${d.id}`}>
                    {d.event_type}
                  </td>
                  <td>
                    <Badge kind={STATUS_BADGE[d.status] ?? 'inactive'}>{d.status}</Badge>
                  </td>
                  <td title={d.last_error ?? undefined}>
                    {d.response_status ?? '—'}
                    {d.last_error && <span class="hint"> {d.last_error}</span>}
                  </td>
                  <td>{d.attempt_count}</td>
                  <td>{formatDate(d.created_at)}</td>
                  <td>{formatDate(d.next_attempt_at)}</td>
                  <td>
                    <button
                      type="button"
                      class="btn small"
                      disabled={!endpoint.enabled}
                      onClick={() => void retry(d)}
                      aria-label={`Retry the ${d.event_type} delivery of ${formatDate(d.created_at)}`}
                    >
                      Retry
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pagination page={list.data} onPage={setPage} noun="deliveries" />
    </>
  );
}

export function WebhooksPage() {
  useEffect(() => {
    document.title = 'Webhooks · Voicegate admin';
  }, []);
  const endpoints = useLoad(() => api<WebhookEndpoint[]>('GET', BASE), []);
  const [selected, setSelected] = useState<string | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const list = endpoints.data ?? [];
  const current = list.find((e) => e.id === selected) ?? list[0];

  const act = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
      flash(what);
      endpoints.reload();
      setVersion((v) => v + 1);
    } catch (err) {
      flash(errorText(err), 'error');
    }
  };

  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Webhooks</h1>
      </div>
      {secret && <SecretNotice secret={secret} onDone={() => setSecret(null)} />}
      <Section title="Endpoints">
        {endpoints.error && <ErrorBox message={endpoints.error} onRetry={endpoints.reload} />}
        {!endpoints.data && !endpoints.error && <Loading />}
        {endpoints.data && list.length === 0 && <p class="empty">No endpoints registered.</p>}
        {list.length > 0 && (
          <div class="table-wrap">
            <table class="data">
              <caption class="visually-hidden">Webhook endpoints</caption>
              <thead>
                <tr>
                  <th scope="col">URL</th>
                  <th scope="col">Events</th>
                  <th scope="col">State</th>
                  <th scope="col">Last success</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((e) => (
                  <tr key={e.id} class={e.id === current?.id ? 'selected' : undefined}>
                    <td class="mono">
                      <button type="button" class="btn small" onClick={() => setSelected(e.id)}>
                        {e.url}
                      </button>
                      {e.description && <div class="hint">{e.description}</div>}
                    </td>
                    <td class="mono">{e.events.join(', ')}</td>
                    <td>
                      {e.enabled ? (
                        <Badge kind="active">enabled</Badge>
                      ) : (
                        <>
                          <Badge kind="suspended">disabled</Badge>
                          <div class="hint">{e.disabled_reason}</div>
                        </>
                      )}
                      {e.previous_secret_expires_at && (
                        <div class="hint">Old secret signs until {formatDate(e.previous_secret_expires_at)}</div>
                      )}
                    </td>
                    <td>{formatDate(e.last_success_at)}</td>
                    <td class="actions">
                      <button
                        type="button"
                        class="btn small"
                        disabled={!e.enabled}
                        onClick={() => void act('Test event queued', () => api('POST', `${BASE}/${e.id}/test`))}
                      >
                        Send test
                      </button>
                      <button
                        type="button"
                        class="btn small"
                        onClick={() =>
                          void act(e.enabled ? 'Endpoint disabled' : 'Endpoint enabled', () =>
                            api('PATCH', `${BASE}/${e.id}`, { body: { enabled: !e.enabled } }),
                          )
                        }
                      >
                        {e.enabled ? 'Disable' : 'Enable'}
                      </button>
                      <button
                        type="button"
                        class="btn small warn"
                        onClick={() =>
                          void act('Secret rotated; the old one signs for 24 h', async () => {
                            const rotated = await api<WebhookEndpoint>('POST', `${BASE}/${e.id}/rotate-secret`);
                            setSecret(rotated.secret ?? null);
                          })
                        }
                      >
                        Rotate secret
                      </button>
                      <button
                        type="button"
                        class="btn small danger"
                        onClick={() => {
                          if (confirm(`Delete the endpoint ${e.url} and its deliveries?`))
                            void act('Endpoint deleted', () => api('DELETE', `${BASE}/${e.id}`));
                        }}
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
      {current && (
        <Section title={`Recent deliveries · ${current.url}`}>
          <Deliveries endpoint={current} version={version} />
        </Section>
      )}
      <Section title="Register an endpoint">
        <NewEndpoint
          onCreated={(e) => {
            setSecret(e.secret ?? null);
            setSelected(e.id);
            flash('Endpoint registered');
            endpoints.reload();
          }}
        />
      </Section>
    </>
  );
}
