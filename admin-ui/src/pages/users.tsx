import { useEffect, useState } from 'preact/hooks';
import { api, authSnapshot } from '../api';
import { ActionDialog, Dialog } from '../components/dialog';
import { CopyField, ErrorBox, Link, Loading, Pagination, StatusBadges } from '../components/ui';
import { flash } from '../flash';
import { formatDate, label, STATUSES } from '../format';
import { useDebounced, useLoad } from '../hooks';
import { navigate, type Location } from '../router';
import type { BulkAction, BulkResponse, CreateUserResponse, Role, UserList, UserOut } from '../types';

const PER_PAGE = [10, 25, 50, 100];
const SORTABLE: Record<string, { label: string; descFirst: boolean }> = {
  username: { label: 'Username', descFirst: false },
  email: { label: 'Email', descFirst: false },
  last_login_at: { label: 'Last login', descFirst: true },
  created_at: { label: 'Created', descFirst: true },
};
const BULK_ACTIONS: { value: BulkAction; label: string; danger?: boolean }[] = [
  { value: 'suspend', label: 'Suspend', danger: true },
  { value: 'unsuspend', label: 'Unsuspend' },
  { value: 'activate', label: 'Activate' },
  { value: 'deactivate', label: 'Deactivate', danger: true },
  { value: 'verify', label: 'Mark verified' },
  { value: 'unlock', label: 'Unlock' },
  { value: 'revoke_sessions', label: 'Revoke all sessions', danger: true },
  { value: 'delete', label: 'Delete', danger: true },
];

type DialogState = { kind: 'none' } | { kind: 'create' } | { kind: 'bulk'; action: BulkAction; users: UserOut[] };

export function UsersPage({ loc }: { loc: Location }) {
  const q = loc.query;
  const search = q.get('search') ?? '';
  const role = q.get('role') ?? '';
  const status = q.get('status') ?? '';
  const sort = q.get('sort') ?? '-created_at';
  const page = Math.max(1, Number(q.get('page')) || 1);
  const perPage = PER_PAGE.includes(Number(q.get('per_page'))) ? Number(q.get('per_page')) : 25;

  const setQuery = (patch: Record<string, string | number | null>) => {
    const next = new URLSearchParams(loc.query);
    for (const [k, v] of Object.entries(patch)) {
      if (v === null || v === '') next.delete(k);
      else next.set(k, String(v));
    }
    if (!('page' in patch)) next.delete('page'); // a new filter starts at page 1
    const s = next.toString();
    navigate(`/admin/users${s ? `?${s}` : ''}`, { replace: !('page' in patch) });
  };

  const [searchText, setSearchText] = useState(search);
  const debouncedSearch = useDebounced(searchText.trim(), 300);
  useEffect(() => {
    if (debouncedSearch !== search) setQuery({ search: debouncedSearch });
  }, [debouncedSearch]);
  useEffect(() => setSearchText((s) => (s.trim() === search ? s : search)), [search]);

  const list = useLoad(
    () => api<UserList>('GET', '/auth/admin/users', { query: { search, role, status, sort, page, per_page: perPage } }),
    [search, role, status, sort, page, perPage],
  );
  const users: UserOut[] = list.data?.users ?? [];

  const [selected, setSelected] = useState<Set<string>>(new Set());
  useEffect(() => setSelected(new Set()), [search, role, status, sort, page, perPage]);
  const [bulkAction, setBulkAction] = useState<BulkAction>('suspend');
  const [dialog, setDialog] = useState<DialogState>({ kind: 'none' });

  useEffect(() => {
    document.title = 'Users · Voicegate admin';
  }, []);

  const toggle = (id: string) =>
    setSelected((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });
  const allSelected = users.length > 0 && users.every((u) => selected.has(u.id));
  const toggleAll = () => setSelected(allSelected ? new Set() : new Set(users.map((u) => u.id)));

  const sortHeader = (field: string) => {
    const active = sort.replace(/^-/, '') === field;
    const desc = sort.startsWith('-');
    const nextSort = active ? (desc ? field : `-${field}`) : SORTABLE[field].descFirst ? `-${field}` : field;
    return (
      <th scope="col" aria-sort={active ? (desc ? 'descending' : 'ascending') : 'none'}>
        <button type="button" class="sort" onClick={() => setQuery({ sort: nextSort })}>
          {SORTABLE[field].label}
          <span class="sort-mark" aria-hidden="true">
            {active ? (desc ? '▼' : '▲') : '↕'}
          </span>
        </button>
      </th>
    );
  };

  return (
    <>
      <div class="page-head">
        <h1 tabIndex={-1}>Users</h1>
        <button type="button" class="btn primary" onClick={() => setDialog({ kind: 'create' })}>
          New user
        </button>
      </div>

      <form class="toolbar" role="search" aria-label="Filter users" onSubmit={(e) => e.preventDefault()}>
        <div class="field grow">
          <label for="user-search">Search</label>
          <input
            id="user-search"
            type="search"
            placeholder="Username, email or name"
            value={searchText}
            onInput={(e) => setSearchText((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <div class="field">
          <label for="user-role">Role</label>
          <select
            id="user-role"
            value={role}
            onChange={(e) => setQuery({ role: (e.currentTarget as HTMLSelectElement).value })}
          >
            <option value="">Any role</option>
            <option value="admin">Admin</option>
            <option value="user">User</option>
          </select>
        </div>
        <div class="field">
          <label for="user-status">Status</label>
          <select
            id="user-status"
            value={status}
            onChange={(e) => setQuery({ status: (e.currentTarget as HTMLSelectElement).value })}
          >
            <option value="">Any status</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {label(s)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="user-per-page">Per page</label>
          <select
            id="user-per-page"
            value={String(perPage)}
            onChange={(e) => setQuery({ per_page: (e.currentTarget as HTMLSelectElement).value })}
          >
            {PER_PAGE.map((n) => (
              <option key={n} value={String(n)}>
                {n}
              </option>
            ))}
          </select>
        </div>
      </form>

      {selected.size > 0 && (
        <div class="bulk-bar" role="region" aria-label="Bulk actions">
          <strong>{selected.size} selected</strong>
          <label for="bulk-action">Action</label>
          <select
            id="bulk-action"
            value={bulkAction}
            onChange={(e) => setBulkAction((e.currentTarget as HTMLSelectElement).value as BulkAction)}
          >
            {BULK_ACTIONS.map((a) => (
              <option key={a.value} value={a.value}>
                {a.label}
              </option>
            ))}
          </select>
          <button
            type="button"
            class="btn primary"
            onClick={() =>
              setDialog({ kind: 'bulk', action: bulkAction, users: users.filter((u) => selected.has(u.id)) })
            }
          >
            Apply…
          </button>
          <button type="button" class="btn" onClick={() => setSelected(new Set())}>
            Clear selection
          </button>
        </div>
      )}

      {list.error && <ErrorBox message={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading text="Loading users…" />}
      {list.data && (
        <div class={list.loading ? 'table-wrap stale' : 'table-wrap'} aria-busy={list.loading}>
          <table class="data responsive users-table">
            <caption class="visually-hidden">
              Users, sorted by {SORTABLE[sort.replace(/^-/, '')]?.label ?? sort}
            </caption>
            <thead>
              <tr>
                <th scope="col" class="check">
                  <input
                    type="checkbox"
                    aria-label="Select all users on this page"
                    checked={allSelected}
                    onChange={toggleAll}
                  />
                </th>
                {sortHeader('username')}
                {sortHeader('email')}
                <th scope="col">Role</th>
                <th scope="col">Status</th>
                {sortHeader('last_login_at')}
                {sortHeader('created_at')}
              </tr>
            </thead>
            <tbody>
              {users.length === 0 && (
                <tr>
                  <td colSpan={7} class="empty">
                    No users match these filters.
                  </td>
                </tr>
              )}
              {users.map((u) => (
                <tr key={u.id} class={selected.has(u.id) ? 'selected' : undefined}>
                  <td class="check">
                    <input
                      type="checkbox"
                      aria-label={`Select ${u.username}`}
                      checked={selected.has(u.id)}
                      onChange={() => toggle(u.id)}
                    />
                  </td>
                  <td data-label="Username">
                    <Link href={`/admin/users/${encodeURIComponent(u.id)}`} class="user-link">
                      {u.username}
                    </Link>
                    {u.full_name && <span class="sub">{u.full_name}</span>}
                  </td>
                  <td data-label="Email" class="break">
                    {u.email}
                  </td>
                  <td data-label="Role">
                    <span class={`role role-${u.role}`}>{label(u.role)}</span>
                  </td>
                  <td data-label="Status">
                    <StatusBadges user={u} />
                  </td>
                  <td data-label="Last login">{formatDate(u.last_login_at)}</td>
                  <td data-label="Created">{formatDate(u.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pagination
            page={{
              total: list.data.total ?? users.length,
              page: list.data.page ?? page,
              per_page: list.data.per_page ?? perPage,
              pages: list.data.pages ?? 1,
            }}
            noun="users"
            onPage={(p) => setQuery({ page: p })}
          />
        </div>
      )}

      {dialog.kind === 'create' && (
        <CreateUserDialog onClose={() => setDialog({ kind: 'none' })} onCreated={list.reload} />
      )}
      {dialog.kind === 'bulk' && (
        <BulkDialog
          action={dialog.action}
          users={dialog.users}
          onClose={() => setDialog({ kind: 'none' })}
          onDone={() => {
            setSelected(new Set());
            list.reload();
          }}
        />
      )}
    </>
  );
}

function CreateUserDialog({ onClose, onCreated }: { onClose: () => void; onCreated: () => void }) {
  const [form, setForm] = useState({ email: '', username: '', full_name: '', role: 'user' as Role, password: '' });
  const [created, setCreated] = useState<CreateUserResponse | null>(null);
  const set = (k: keyof typeof form) => (e: Event) =>
    setForm({ ...form, [k]: (e.currentTarget as HTMLInputElement).value });

  if (created) {
    return (
      <Dialog title="User created" onClose={onClose}>
        <div class="dialog-body">
          <p>
            <strong>{created.user.username}</strong> ({created.user.email}) was created.
          </p>
          <p class="alert warning" role="note">
            These secrets are shown only once. Copy them now and hand them over through a secure channel.
          </p>
          {created.generated_password && (
            <CopyField id="created-password" label="Generated password" value={created.generated_password} />
          )}
          {created.api_key && <CopyField id="created-api-key" label="API key" value={created.api_key} />}
        </div>
        <div class="dialog-actions">
          <button
            type="button"
            class="btn"
            onClick={() => {
              onClose();
              navigate(`/admin/users/${encodeURIComponent(created.user.id)}`);
            }}
          >
            Open user
          </button>
          <button type="button" class="btn primary" onClick={onClose}>
            Done
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <ActionDialog
      title="New user"
      submitLabel="Create user"
      onClose={onClose}
      onSubmit={async () => {
        const body: Record<string, string> = {
          email: form.email.trim(),
          username: form.username.trim(),
          role: form.role,
        };
        if (form.full_name.trim()) body.full_name = form.full_name.trim();
        if (form.password) body.password = form.password;
        const res = await api<CreateUserResponse>('POST', '/auth/admin/users', { body });
        const user = res?.user ?? (res as unknown as UserOut);
        setCreated({ ...res, user });
        flash(`User ${user.username} created`);
        onCreated();
      }}
    >
      <div class="field">
        <label for="new-email">Email</label>
        <input
          id="new-email"
          type="email"
          required
          autoComplete="off"
          autofocus
          value={form.email}
          onInput={set('email')}
        />
      </div>
      <div class="field">
        <label for="new-username">Username</label>
        <input
          id="new-username"
          required
          minLength={3}
          maxLength={32}
          pattern="[A-Za-z0-9_.\-]{3,32}"
          autoComplete="off"
          value={form.username}
          onInput={set('username')}
          aria-describedby="new-username-hint"
        />
        <p class="hint" id="new-username-hint">
          3–32 letters, digits, dots, dashes or underscores.
        </p>
      </div>
      <div class="field">
        <label for="new-full-name">Full name (optional)</label>
        <input id="new-full-name" autoComplete="off" value={form.full_name} onInput={set('full_name')} />
      </div>
      <div class="field">
        <label for="new-role">Role</label>
        <select id="new-role" value={form.role} onChange={set('role')}>
          <option value="user">User</option>
          <option value="admin">Admin</option>
        </select>
      </div>
      <div class="field">
        <label for="new-password">Password (optional)</label>
        <input
          id="new-password"
          type="password"
          autoComplete="new-password"
          minLength={8}
          maxLength={128}
          value={form.password}
          onInput={set('password')}
          aria-describedby="new-password-hint"
        />
        <p class="hint" id="new-password-hint">
          Leave empty to generate one; it is shown once after creation.
        </p>
      </div>
    </ActionDialog>
  );
}

function BulkDialog({
  action,
  users,
  onClose,
  onDone,
}: {
  action: BulkAction;
  users: UserOut[];
  onClose: () => void;
  onDone: () => void;
}) {
  const meta = BULK_ACTIONS.find((a) => a.value === action)!;
  const [reason, setReason] = useState('');
  const [failures, setFailures] = useState<{ user: string; error: string }[] | null>(null);
  const me = authSnapshot().user;
  const names = new Map(users.map((u) => [u.id, u.username]));

  if (failures) {
    return (
      <Dialog title={`${meta.label}: some users were not changed`} onClose={onClose}>
        <div class="dialog-body">
          <p>
            {users.length - failures.length} of {users.length} succeeded. These failed:
          </p>
          <ul class="failures">
            {failures.map((f) => (
              <li key={f.user}>
                <strong>{f.user}</strong>: {f.error}
              </li>
            ))}
          </ul>
        </div>
        <div class="dialog-actions">
          <button type="button" class="btn primary" onClick={onClose} autofocus>
            Close
          </button>
        </div>
      </Dialog>
    );
  }

  return (
    <ActionDialog
      title={`${meta.label} ${users.length} user${users.length === 1 ? '' : 's'}?`}
      submitLabel={`${meta.label} ${users.length}`}
      danger={meta.danger}
      onClose={onClose}
      onSubmit={async () => {
        const body: Record<string, unknown> = { action, user_ids: users.map((u) => u.id) };
        if (action === 'suspend' && reason.trim()) body.reason = reason.trim();
        const res = await api<BulkResponse>('POST', '/auth/admin/users/bulk', { body });
        const results = res.results;
        const failed = results
          .filter((r) => !r.success)
          .map((r) => ({ user: names.get(r.user_id) ?? r.user_id, error: r.error?.detail || 'Failed' }));
        onDone();
        if (failed.length) {
          setFailures(failed);
          flash(`${meta.label}: ${results.length - failed.length} of ${results.length} succeeded`, 'error');
        } else {
          flash(`${meta.label}: ${results.length} user${results.length === 1 ? '' : 's'} updated`);
          onClose();
        }
      }}
    >
      <p>This applies to:</p>
      <ul class="name-list">
        {users.map((u) => (
          <li key={u.id}>
            {u.username}
            {me?.id === u.id ? ' (you)' : ''}
          </li>
        ))}
      </ul>
      {action === 'delete' && <p class="alert warning">Deleting users cannot be undone.</p>}
      {action === 'suspend' && (
        <div class="field">
          <label for="bulk-reason">Reason (optional; kept with the suspension and in the audit log)</label>
          <textarea
            id="bulk-reason"
            maxLength={500}
            rows={3}
            autofocus
            value={reason}
            onInput={(e) => setReason((e.currentTarget as HTMLTextAreaElement).value)}
          />
        </div>
      )}
    </ActionDialog>
  );
}
