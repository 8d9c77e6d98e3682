import { useEffect } from 'preact/hooks';
import { api } from '../../api';
import { ErrorBox, Loading, Section } from '../../components/ui';
import { formatDate, formatNumber } from '../../format';
import { useLoad } from '../../hooks';
import type { UserOut } from '../../types';

/** Quotas and the month's usage come with UserOut when the gate is configured (shown when present). */
type WithQuota = UserOut & {
  quota?: Record<string, number | null> | null;
  usage?: UserOut['usage'] & { month?: Record<string, number | string | null> | null };
};

export function UsagePage() {
  useEffect(() => void (document.title = 'Usage · Voicegate account'), []);
  const me = useLoad(() => api<WithQuota>('GET', '/auth/me'), []);
  const u = me.data;
  const month = u?.usage?.month ?? null;
  return (
    <>
      <h1 tabIndex={-1}>Usage</h1>
      {me.error && <ErrorBox message={me.error} onRetry={me.reload} />}
      {me.loading && !u && <Loading />}
      {u && (
        <>
          <Section title="All time">
            <dl class="facts">
              <dt>Requests</dt>
              <dd>{formatNumber(u.usage?.total_requests)}</dd>
              <dt>Transcriptions</dt>
              <dd>{formatNumber(u.usage?.transcriptions)}</dd>
              <dt>Translations</dt>
              <dd>{formatNumber(u.usage?.translations)}</dd>
              <dt>Text to speech</dt>
              <dd>{formatNumber(u.usage?.tts)}</dd>
            </dl>
          </Section>
          <Section title="Rate limits">
            <dl class="facts">
              <dt>Per minute</dt>
              <dd>{formatNumber(u.rate_limits?.per_minute)}</dd>
              <dt>Per hour</dt>
              <dd>{formatNumber(u.rate_limits?.per_hour)}</dd>
              <dt>Per day</dt>
              <dd>{formatNumber(u.rate_limits?.per_day)}</dd>
            </dl>
          </Section>
          {(u.quota || month) && (
            <Section title="This month">
              <table class="data">
                <thead>
                  <tr>
                    <th scope="col">Kind</th>
                    <th scope="col">Used</th>
                    <th scope="col">Quota</th>
                  </tr>
                </thead>
                <tbody>
                  {['transcriptions', 'translations', 'tts', 'audio_seconds'].map((k) => (
                    <tr key={k}>
                      <th scope="row">{k.replace('_', ' ')}</th>
                      <td>{formatNumber(Number(month?.[k] ?? 0))}</td>
                      <td>{u.quota?.[k] == null ? 'unlimited' : formatNumber(u.quota[k])}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {month?.resets_at && <p class="hint">Resets {formatDate(String(month.resets_at))}.</p>}
            </Section>
          )}
        </>
      )}
    </>
  );
}
