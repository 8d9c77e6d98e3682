import { useState } from 'preact/hooks';
import { api } from '../api';
import { flash } from '../flash';
import { errorText, useLoad } from '../hooks';
import type { UserFactors } from '../types';
import { ErrorBox, Loading, Section } from './ui';

/** A user's second factors on the admin user page, with the reset that removes them all (and ends the sessions). */
export function UserFactorsSection({
  base,
  username,
  onReset,
}: {
  base: string;
  username: string;
  onReset: () => void;
}) {
  const factors = useLoad(() => api<UserFactors>('GET', `${base}/mfa`), [base]);
  const [error, setError] = useState<string | null>(null);
  const f = factors.data;
  const reset = async () => {
    if (!confirm(`Remove every second factor of ${username}? Their sessions end.`)) return;
    setError(null);
    try {
      await api<void>('DELETE', `${base}/mfa`);
      flash(`Second factors of ${username} removed`);
      factors.reload();
      onReset();
    } catch (e) {
      setError(errorText(e));
    }
  };
  return (
    <Section
      title="Second factors"
      actions={
        f?.enabled && (
          <button type="button" class="btn danger small" onClick={() => void reset()}>
            Reset second factors…
          </button>
        )
      }
    >
      {error && <ErrorBox message={error} />}
      {factors.error ? (
        <ErrorBox message={factors.error} onRetry={factors.reload} />
      ) : !f ? (
        <Loading />
      ) : (
        <ul class="factors" data-testid="user-factors">
          <li>Authenticator app: {f.totp ? `on (${f.recovery_codes_remaining} recovery codes left)` : 'off'}</li>
          <li>Passkeys: {f.passkeys === 0 ? 'none' : f.passkey_list.map((p) => p.name).join(', ')}</li>
        </ul>
      )}
    </Section>
  );
}
