import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { errorText } from '../hooks';
import { ErrorBox } from './ui';

interface DialogProps {
  title: string;
  onClose: () => void;
  children: ComponentChildren;
  /** Escape and the close button do nothing while true (a request is in flight). */
  locked?: boolean;
}

/**
 * A modal on the native <dialog>: showModal() makes the rest of the page inert and traps focus,
 * Escape fires `cancel`; focus goes back to whatever opened the dialog when it closes.
 */
export function Dialog({ title, onClose, children, locked }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const dialog = ref.current!;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (!dialog.open) dialog.showModal();
    return () => {
      if (dialog.open) dialog.close();
      if (opener && opener.isConnected) opener.focus();
    };
  }, []);
  return (
    <dialog
      ref={ref}
      class="dialog"
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        if (!locked) onClose();
      }}
    >
      <div class="dialog-head">
        <h2 id={titleId}>{title}</h2>
        <button type="button" class="btn icon" aria-label="Close dialog" onClick={onClose} disabled={locked}>
          ×
        </button>
      </div>
      {children}
    </dialog>
  );
}

interface ActionDialogProps {
  title: string;
  submitLabel: string;
  danger?: boolean;
  submitDisabled?: boolean;
  onSubmit: () => Promise<void>;
  onClose: () => void;
  children?: ComponentChildren;
}

/** A dialog around a form whose submit calls the API; errors (problem `detail`) stay in the dialog. */
export function ActionDialog({
  title,
  submitLabel,
  danger,
  submitDisabled,
  onSubmit,
  onClose,
  children,
}: ActionDialogProps) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await onSubmit();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={title} onClose={onClose} locked={busy}>
      <form onSubmit={submit}>
        <div class="dialog-body">
          {children}
          {error && <ErrorBox message={error} />}
        </div>
        <div class="dialog-actions">
          <button type="button" class="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          <button
            type="submit"
            class={danger ? 'btn danger' : 'btn primary'}
            disabled={busy || submitDisabled}
            aria-busy={busy}
          >
            {busy ? 'Working…' : submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
