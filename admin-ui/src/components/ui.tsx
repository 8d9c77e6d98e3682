import type { ComponentChildren } from 'preact';
import { useId, useRef, useState } from 'preact/hooks';
import { label, statusesOf } from '../format';
import { onLinkClick } from '../router';
import type { Page, UserOut } from '../types';

export function Link({
  href,
  children,
  class: cls,
  ariaCurrent,
}: {
  href: string;
  children: ComponentChildren;
  class?: string;
  ariaCurrent?: boolean;
}) {
  return (
    <a href={href} class={cls} aria-current={ariaCurrent ? 'page' : undefined} onClick={(e) => onLinkClick(e, href)}>
      {children}
    </a>
  );
}

export function ErrorBox({ message, onRetry }: { message: string; onRetry?: () => void }) {
  return (
    <div class="alert error" role="alert">
      <span>{message}</span>
      {onRetry && (
        <button type="button" class="btn small" onClick={onRetry}>
          Retry
        </button>
      )}
    </div>
  );
}

export function Loading({ text = 'Loading…' }: { text?: string }) {
  return (
    <p class="loading" role="status" aria-live="polite">
      <span class="spinner" aria-hidden="true" />
      {text}
    </p>
  );
}

export function Badge({ kind, children }: { kind: string; children: ComponentChildren }) {
  return <span class={`badge badge-${kind}`}>{children}</span>;
}

export function StatusBadges({ user }: { user: UserOut }) {
  return (
    <span class="badges">
      {statusesOf(user).map((s) => (
        <Badge key={s} kind={s}>
          {label(s)}
        </Badge>
      ))}
    </span>
  );
}

/** A secret shown once: read-only field (select-all friendly) and a copy button. */
export function CopyField({ id, label: text, value }: { id: string; label: string; value: string }) {
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      // Clipboard API needs a secure context; fall back to selecting the text for Ctrl+C.
      input.current?.select();
      setState('failed');
    }
  };
  return (
    <div class="field">
      <label for={id}>{text}</label>
      <div class="copy-field">
        <input
          id={id}
          ref={input}
          class="mono"
          readOnly
          value={value}
          onFocus={(e) => (e.currentTarget as HTMLInputElement).select()}
        />
        <button type="button" class="btn" onClick={copy} aria-label={`Copy ${text.toLowerCase()}`}>
          {state === 'copied' ? 'Copied' : 'Copy'}
        </button>
      </div>
      {state === 'failed' && <p class="hint">Copying is blocked here; the text is selected — press Ctrl+C (⌘C).</p>}
      <span class="visually-hidden" aria-live="polite">
        {state === 'copied' ? `${text} copied to the clipboard` : ''}
      </span>
    </div>
  );
}

export function Pagination({ page, onPage, noun }: { page: Page; onPage: (p: number) => void; noun: string }) {
  const pages = Math.max(1, page.pages || 1);
  return (
    <nav class="pagination" aria-label={`${noun} pages`}>
      <button type="button" class="btn" disabled={page.page <= 1} onClick={() => onPage(page.page - 1)}>
        ← Previous
      </button>
      <span aria-live="polite">
        Page {page.page} of {pages} · {page.total.toLocaleString()} {noun}
      </span>
      <button type="button" class="btn" disabled={page.page >= pages} onClick={() => onPage(page.page + 1)}>
        Next →
      </button>
    </nav>
  );
}

export function Section({
  title,
  actions,
  children,
}: {
  title: string;
  actions?: ComponentChildren;
  children: ComponentChildren;
}) {
  const id = useId();
  return (
    <section class="card" aria-labelledby={id}>
      <div class="card-head">
        <h2 id={id}>{title}</h2>
        {actions && <div class="card-actions">{actions}</div>}
      </div>
      {children}
    </section>
  );
}
