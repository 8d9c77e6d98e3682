import { useState } from 'preact/hooks';
import { api } from '../api';
import { flash } from '../flash';
import { formatDate } from '../format';
import { useLoad } from '../hooks';
import type { PersonalKey } from '../types';
import { ActionDialog } from './dialog';
import { Badge, ErrorBox, Loading, Section } from './ui';

/** Admin: a user's API keys, each revocable (it stops working on its next request). */
export function UserKeys({ base }: { base: string }) {
  const keys = useLoad(() => api<PersonalKey[]>('GET', `${base}/api-keys`), [base]);
  const [revoking, setRevoking] = useState<PersonalKey | null>(null);
  return (
    <Section title={`API keys${keys.data ? ` (${keys.data.length})` : ''}`}>
      {keys.error && <ErrorBox message={keys.error} onRetry={keys.reload} />}
      {keys.loading && !keys.data && <Loading />}
      {keys.data && keys.data.length === 0 && <p class="empty">No API keys.</p>}
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
                    {k.all_scopes ? <Badge kind="active">every scope</Badge> : k.scopes.join(', ')}
                  </td>
                  <td data-label="Expires">{k.expires_at ? formatDate(k.expires_at) : 'never'}</td>
                  <td data-label="Last used">{formatDate(k.last_used_at)}</td>
                  <td>
                    <button type="button" class="btn small danger" onClick={() => setRevoking(k)}>
                      Revoke
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {revoking && (
        <ActionDialog
          title={`Revoke key “${revoking.name}”`}
          submitLabel="Revoke key"
          danger
          onClose={() => setRevoking(null)}
          onSubmit={async () => {
            await api('DELETE', `${base}/api-keys/${revoking.id}`);
            flash(`Key “${revoking.name}” revoked`);
            setRevoking(null);
            keys.reload();
          }}
        >
          <p>Anything using this key is refused from its next request on. The user is not signed out.</p>
        </ActionDialog>
      )}
    </Section>
  );
}
