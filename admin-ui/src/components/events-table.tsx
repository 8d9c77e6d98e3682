import { formatDate, label, shortUserAgent } from '../format';
import type { SecurityEvent } from '../types';
import { Badge, Link } from './ui';

export function EventsTable({ events, showUser = true }: { events: SecurityEvent[]; showUser?: boolean }) {
  if (events.length === 0) return <p class="empty">No security events.</p>;
  return (
    <div class="table-wrap">
      <table class="data responsive events-table">
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Event</th>
            <th scope="col">Severity</th>
            {showUser && <th scope="col">User</th>}
            <th scope="col">Actor</th>
            <th scope="col">IP</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => (
            <tr key={e.id} class={`severity-${e.severity}`}>
              <td data-label="Time">{formatDate(e.created_at)}</td>
              <td data-label="Event">{label(e.type ?? '')}</td>
              <td data-label="Severity">
                <Badge kind={`sev-${e.severity}`}>{label(e.severity ?? 'info')}</Badge>
              </td>
              {showUser && (
                <td data-label="User" class="mono small">
                  {e.user_id ? (
                    <Link href={`/admin/users/${encodeURIComponent(e.user_id)}`}>{e.user_id.slice(0, 8)}</Link>
                  ) : (
                    '—'
                  )}
                </td>
              )}
              <td data-label="Actor" class="mono small">
                {e.actor_id ? (
                  e.actor_id === e.user_id ? (
                    'self'
                  ) : (
                    <Link href={`/admin/users/${encodeURIComponent(e.actor_id)}`}>{e.actor_id.slice(0, 8)}</Link>
                  )
                ) : (
                  '—'
                )}
              </td>
              <td data-label="IP" class="mono small">
                {e.ip_address ?? '—'}
              </td>
              <td data-label="Details" class="details">
                {e.details && Object.keys(e.details).length > 0 ? (
                  <code title={shortUserAgent(e.user_agent)}>{JSON.stringify(e.details)}</code>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
