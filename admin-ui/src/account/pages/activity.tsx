import { useEffect } from 'preact/hooks';
import { api } from '../../api';
import { EventsTable } from '../../components/events-table';
import { Badge, ErrorBox, Loading, Section } from '../../components/ui';
import { formatDate, label, shortUserAgent } from '../../format';
import { useLoad } from '../../hooks';
import type { LoginHistoryPage, OwnSecurityEventList } from '../../types';

export function ActivityPage() {
  useEffect(() => void (document.title = 'Activity · Voicegate account'), []);
  const logins = useLoad(() => api<LoginHistoryPage>('GET', '/auth/login-history', { query: { per_page: 50 } }), []);
  const events = useLoad(
    () => api<OwnSecurityEventList>('GET', '/auth/security-events', { query: { per_page: 50 } }),
    [],
  );
  return (
    <>
      <h1 tabIndex={-1}>Activity</h1>
      <Section title="Sign-in history">
        {logins.error && <ErrorBox message={logins.error} onRetry={logins.reload} />}
        {logins.loading && !logins.data && <Loading />}
        {logins.data && logins.data.items.length === 0 && <p class="empty">No sign-ins yet.</p>}
        {logins.data && logins.data.items.length > 0 && (
          <div class="table-wrap">
            <table class="data responsive">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Result</th>
                  <th scope="col">Method</th>
                  <th scope="col">IP</th>
                  <th scope="col">Browser</th>
                </tr>
              </thead>
              <tbody>
                {logins.data.items.map((l) => (
                  <tr key={l.id}>
                    <td data-label="Time">{formatDate(l.login_at)}</td>
                    <td data-label="Result">
                      {l.success ? (
                        <Badge kind="active">Success</Badge>
                      ) : (
                        <Badge kind="suspended">{label(l.failure_reason ?? 'failed')}</Badge>
                      )}
                      {l.suspicious && <Badge kind="locked">Suspicious</Badge>}
                    </td>
                    <td data-label="Method">{label(l.login_method ?? '')}</td>
                    <td data-label="IP" class="mono">
                      {l.ip_address ?? '—'}
                    </td>
                    <td data-label="Browser">{shortUserAgent(l.user_agent)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
      <Section title="Security events">
        {events.error && <ErrorBox message={events.error} onRetry={events.reload} />}
        {events.loading && !events.data && <Loading />}
        {events.data && <EventsTable events={events.data.items} showUser={false} />}
      </Section>
    </>
  );
}
