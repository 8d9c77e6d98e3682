import { useEffect, useState } from 'preact/hooks';
import { api } from '../../api';
import { Badge, ErrorBox, Loading, Section } from '../../components/ui';
import { flash } from '../../flash';
import { formatDate, shortUserAgent } from '../../format';
import { errorText, useLoad } from '../../hooks';
import type { SessionRow } from '../../types';

export function SessionsPage() {
  useEffect(() => void (document.title = 'Sessions · Voicegate account'), []);
  const sessions = useLoad(() => api<SessionRow[]>('GET', '/auth/sessions'), []);
  const [error, setError] = useState<string | null>(null);
  const act = async (run: () => Promise<unknown>, done: string) => {
    setError(null);
    try {
      await run();
      flash(done);
      sessions.reload();
    } catch (err) {
      setError(errorText(err));
    }
  };
  const others = (sessions.data ?? []).filter((s) => !s.current);
  return (
    <>
      <h1 tabIndex={-1}>Sessions</h1>
      <Section
        title="Where you are signed in"
        actions={
          others.length > 0 && (
            <button
              type="button"
              class="btn danger small"
              onClick={() => act(() => api('DELETE', '/auth/sessions'), 'Every other session has been signed out.')}
            >
              Sign out everywhere else
            </button>
          )
        }
      >
        {error && <ErrorBox message={error} />}
        {sessions.error && <ErrorBox message={sessions.error} onRetry={sessions.reload} />}
        {sessions.loading && !sessions.data && <Loading />}
        {sessions.data && (
          <div class="table-wrap">
            <table class="data responsive">
              <thead>
                <tr>
                  <th scope="col">Device</th>
                  <th scope="col">IP</th>
                  <th scope="col">Signed in</th>
                  <th scope="col">Last active</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {sessions.data.map((s) => (
                  <tr key={s.id}>
                    <td data-label="Device">
                      {s.device_name || shortUserAgent(s.user_agent)}{' '}
                      {s.current && <Badge kind="active">This session</Badge>}
                    </td>
                    <td data-label="IP" class="mono">
                      {s.ip_address ?? '—'}
                    </td>
                    <td data-label="Signed in">{formatDate(s.created_at)}</td>
                    <td data-label="Last active">{formatDate(s.last_active_at)}</td>
                    <td>
                      {!s.current && (
                        <button
                          type="button"
                          class="btn small"
                          onClick={() => act(() => api('DELETE', `/auth/sessions/${s.id}`), 'Session signed out.')}
                        >
                          Revoke
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Section>
    </>
  );
}
