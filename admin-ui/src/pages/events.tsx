import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { EventsTable } from '../components/events-table';
import { ErrorBox, Loading, Pagination } from '../components/ui';
import { label } from '../format';
import { useDebounced, useLoad } from '../hooks';
import { navigate, type Location } from '../router';
import type { SecurityEvent, SecurityEventList } from '../types';

// The audit module's event names (src/audit/audit.events.ts); "Any" sends no filter.
const TYPES = [
  'user_registered',
  'login_succeeded',
  'login_failed',
  'suspicious_login',
  'account_locked',
  'account_unlocked',
  'logout',
  'token_refreshed',
  'refresh_token_reuse',
  'password_changed',
  'password_reset',
  'profile_updated',
  'api_key_regenerated',
  'service_key_created',
  'service_key_revealed',
  'service_key_deleted',
  'session_revoked',
  'rate_limited',
  'admin_user_created',
  'admin_user_updated',
  'admin_user_deleted',
  'admin_user_suspended',
  'admin_user_unsuspended',
  'admin_sessions_revoked',
  'admin_bulk_action',
];
const SEVERITIES = ['info', 'warning', 'critical'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** <input type="datetime-local"> speaks local time without a zone; the API wants ISO-8601 UTC. */
function localToIso(v: string): string {
  if (!v) return '';
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? '' : d.toISOString();
}

export function EventsPage({ loc }: { loc: Location }) {
  const q = loc.query;
  const type = q.get('type') ?? '';
  const severity = q.get('severity') ?? '';
  const userId = q.get('user_id') ?? '';
  const since = q.get('since') ?? '';
  const until = q.get('until') ?? '';
  const page = Math.max(1, Number(q.get('page')) || 1);

  const setQuery = (patch: Record<string, string | number | null>) => {
    const next = new URLSearchParams(loc.query);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (!('page' in patch)) next.delete('page');
    const s = next.toString();
    navigate(`/admin/security-events${s ? `?${s}` : ''}`, { replace: !('page' in patch) });
  };

  const [userText, setUserText] = useState(userId);
  const debouncedUser = useDebounced(userText.trim(), 300);
  const userInvalid = debouncedUser !== '' && !UUID.test(debouncedUser);
  useEffect(() => {
    if (!userInvalid && debouncedUser !== userId) setQuery({ user_id: debouncedUser });
  }, [debouncedUser, userInvalid]);

  useEffect(() => {
    document.title = 'Security events · Voicegate admin';
  }, []);

  const list = useLoad(
    () =>
      api<SecurityEventList>('GET', '/auth/admin/security-events', {
        query: {
          type,
          severity,
          user_id: userId,
          since: localToIso(since),
          until: localToIso(until),
          page,
          per_page: 50,
        },
      }),
    [type, severity, userId, since, until, page],
  );
  const events: SecurityEvent[] = list.data?.events ?? [];

  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Security events</h1>
      </div>
      <form class="toolbar" role="search" aria-label="Filter security events" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="ev-type">Type</label>
          <select
            id="ev-type"
            value={type}
            onChange={(e) => setQuery({ type: (e.currentTarget as HTMLSelectElement).value })}
          >
            <option value="">Any type</option>
            {TYPES.map((t) => (
              <option key={t} value={t}>
                {label(t)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="ev-severity">Severity</label>
          <select
            id="ev-severity"
            value={severity}
            onChange={(e) => setQuery({ severity: (e.currentTarget as HTMLSelectElement).value })}
          >
            <option value="">Any severity</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {label(s)}
              </option>
            ))}
          </select>
        </div>
        <div class="field grow">
          <label for="ev-user">User id</label>
          <input
            id="ev-user"
            class="mono"
            placeholder="UUID"
            value={userText}
            aria-invalid={userInvalid}
            aria-describedby={userInvalid ? 'ev-user-error' : undefined}
            onInput={(e) => setUserText((e.currentTarget as HTMLInputElement).value)}
          />
          {userInvalid && (
            <p class="field-error" id="ev-user-error">
              Not a user id (UUID).
            </p>
          )}
        </div>
        <div class="field">
          <label for="ev-since">From</label>
          <input
            id="ev-since"
            type="datetime-local"
            value={since}
            onChange={(e) => setQuery({ since: (e.currentTarget as HTMLInputElement).value })}
          />
        </div>
        <div class="field">
          <label for="ev-until">Until</label>
          <input
            id="ev-until"
            type="datetime-local"
            value={until}
            onChange={(e) => setQuery({ until: (e.currentTarget as HTMLInputElement).value })}
          />
        </div>
      </form>
      {list.error && <ErrorBox message={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading text="Loading events…" />}
      {list.data && (
        <div class={list.loading ? 'stale' : undefined} aria-busy={list.loading}>
          <EventsTable events={events} />
          <Pagination
            page={{
              total: list.data.total ?? events.length,
              page: list.data.page ?? page,
              per_page: list.data.per_page ?? 50,
              pages: list.data.pages ?? 1,
            }}
            noun="events"
            onPage={(p) => setQuery({ page: p })}
          />
        </div>
      )}
    </>
  );
}
