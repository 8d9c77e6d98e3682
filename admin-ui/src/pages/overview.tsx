import type { ChartConfiguration } from 'chart.js';
import { useEffect, useMemo } from 'preact/hooks';
import { api } from '../api';
import { ChartCanvas } from '../components/chart';
import { ErrorBox, Link, Loading, Section } from '../components/ui';
import { formatNumber, label, STATUSES } from '../format';
import { useLoad } from '../hooks';
import type { Stats } from '../types';

const COLORS = {
  success: '#1f7a4d',
  failure: '#c0392b',
  status: {
    active: '#1f7a4d',
    inactive: '#7b8794',
    suspended: '#c0392b',
    locked: '#b7791f',
    unverified: '#3b6fb6',
  } as Record<string, string>,
};

export function OverviewPage() {
  const stats = useLoad(() => api<Stats>('GET', '/auth/admin/stats'), []);
  useEffect(() => {
    document.title = 'Overview · Voicegate admin';
  }, []);
  const s = stats.data;
  const perDay = Array.isArray(s?.logins?.per_day) ? s!.logins.per_day : [];
  const byStatus: Partial<Stats['users']['by_status']> = s?.users?.by_status ?? {};

  const loginsChart = useMemo<ChartConfiguration>(
    () => ({
      type: 'line',
      data: {
        labels: perDay.map((d) => d.date.slice(5)),
        datasets: [
          // Monotone curves never dip below zero between points.
          {
            label: 'Successful sign-ins',
            data: perDay.map((d) => d.success ?? 0),
            borderColor: COLORS.success,
            backgroundColor: COLORS.success,
            cubicInterpolationMode: 'monotone',
          },
          {
            label: 'Failed sign-ins',
            data: perDay.map((d) => d.failure ?? 0),
            borderColor: COLORS.failure,
            backgroundColor: COLORS.failure,
            cubicInterpolationMode: 'monotone',
            borderDash: [6, 4],
          },
        ],
      },
      options: {
        interaction: { mode: 'index', intersect: false },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    }),
    [s],
  );
  // Bars, not a doughnut: statuses overlap (an active user can be unverified), so they are not parts of a whole.
  const statusChart = useMemo<ChartConfiguration>(
    () => ({
      type: 'bar',
      data: {
        labels: STATUSES.map(label),
        datasets: [
          {
            label: 'Users',
            data: STATUSES.map((k) => byStatus[k] ?? 0),
            backgroundColor: STATUSES.map((k) => COLORS.status[k]),
          },
        ],
      },
      options: {
        indexAxis: 'y',
        plugins: { legend: { display: false } },
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } } },
      },
    }),
    [s],
  );

  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Overview</h1>
        <button type="button" class="btn" onClick={stats.reload} disabled={stats.loading}>
          Refresh
        </button>
      </div>
      {stats.error && <ErrorBox message={stats.error} onRetry={stats.reload} />}
      {stats.loading && !s && <Loading text="Loading statistics…" />}
      {s && (
        <>
          <dl class="tiles">
            <Tile label="Users" value={s.users?.total} href="/admin/users" />
            <Tile label="Active" value={byStatus.active} href="/admin/users?status=active" />
            <Tile label="Suspended" value={byStatus.suspended} href="/admin/users?status=suspended" />
            <Tile label="Locked" value={byStatus.locked} href="/admin/users?status=locked" />
            <Tile label="Sign-ins, 24 h" value={s.logins?.last_24h?.success} />
            <Tile
              label="Failed sign-ins, 24 h"
              value={s.logins?.last_24h?.failure}
              href="/admin/security-events?type=login_failed"
            />
            {typeof s.sessions?.active === 'number' && <Tile label="Live sessions" value={s.sessions.active} />}
          </dl>
          <div class="grid two-one">
            <Section title="Sign-ins per day (30 days)">
              <ChartCanvas
                config={loginsChart}
                label={`Line chart of successful and failed sign-ins per day over ${perDay.length} days`}
              />
              <details class="chart-data">
                <summary>Show the numbers</summary>
                <table class="data compact">
                  <thead>
                    <tr>
                      <th scope="col">Date</th>
                      <th scope="col">Successful</th>
                      <th scope="col">Failed</th>
                    </tr>
                  </thead>
                  <tbody>
                    {perDay.map((d) => (
                      <tr key={d.date}>
                        <td>{d.date}</td>
                        <td>{formatNumber(d.success)}</td>
                        <td>{formatNumber(d.failure)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </Section>
            <Section title="Users by status">
              <ChartCanvas
                config={statusChart}
                label={`Bar chart of users by status: ${STATUSES.map((k) => `${k} ${byStatus[k] ?? 0}`).join(', ')}`}
              />
              <ul class="legend-list">
                {STATUSES.map((k) => (
                  <li key={k}>
                    {label(k)}: <strong>{formatNumber(byStatus[k] ?? 0)}</strong>
                  </li>
                ))}
                <li>
                  Admins: <strong>{formatNumber(s.users?.by_role?.admin ?? 0)}</strong> · Users:{' '}
                  <strong>{formatNumber(s.users?.by_role?.user ?? 0)}</strong>
                </li>
              </ul>
            </Section>
          </div>
          {s.jobs?.by_status && Object.keys(s.jobs.by_status).length > 0 && (
            <Section title="Jobs by status">
              <dl class="stats">
                {Object.entries(s.jobs.by_status).map(([k, v]) => (
                  <div class="stat" key={k}>
                    <dt>{label(k)}</dt>
                    <dd>{formatNumber(v)}</dd>
                  </div>
                ))}
              </dl>
            </Section>
          )}
          {s.gate && (
            <Section title={`Gate traffic (${s.gate.month.month})`}>
              <dl class="stats">
                {(['requests', 'transcriptions', 'translations', 'tts', 'audio_seconds', 'users'] as const).map((k) => (
                  <div class="stat" key={k}>
                    <dt>{k === 'users' ? 'Active users' : label(k)}</dt>
                    <dd>{formatNumber(s.gate!.month[k])}</dd>
                  </div>
                ))}
              </dl>
              <p class="hint">Decisions of this instance since it started:</p>
              <dl class="stats">
                {Object.entries(s.gate.decisions).map(([k, v]) => (
                  <div class="stat" key={k}>
                    <dt>{label(k)}</dt>
                    <dd>{formatNumber(v)}</dd>
                  </div>
                ))}
              </dl>
            </Section>
          )}
        </>
      )}
    </>
  );
}

function Tile({ label: text, value, href }: { label: string; value: number | undefined; href?: string }) {
  return (
    <div class="tile">
      <dt>{href ? <Link href={href}>{text}</Link> : text}</dt>
      <dd>{formatNumber(value ?? 0)}</dd>
    </div>
  );
}
