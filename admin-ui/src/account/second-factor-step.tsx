import { useEffect, useRef, useState } from 'preact/hooks';
import type { SecondFactorStep } from '../api';
import { ErrorBox } from '../components/ui';
import { errorText } from '../hooks';
import type { LoginResponse } from '../types';
import { completeStep } from './mfa-api';

/** The sign-in's second step: a code from the authenticator app, a recovery code, or the passkey. */
export function SecondFactorForm({
  step,
  onDone,
  onCancel,
}: {
  step: SecondFactorStep;
  onDone: (data: LoginResponse) => void | Promise<void>;
  onCancel: () => void;
}) {
  const hasTotp = step.methods.includes('totp');
  const [mode, setMode] = useState<'code' | 'recovery'>(hasTotp ? 'code' : 'recovery');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.focus(), [mode]);

  const run = async (proof: Parameters<typeof completeStep>[1]) => {
    setBusy(true);
    setError(null);
    try {
      await onDone(await completeStep(step, proof));
    } catch (err) {
      setError(errorText(err));
      setValue('');
      setBusy(false);
    }
  };

  const submit = (e: Event) => {
    e.preventDefault();
    void run(mode === 'code' ? { code: value.trim() } : { recovery_code: value.trim() });
  };

  return (
    <form class="second-factor" onSubmit={submit} aria-labelledby="second-factor-title">
      <h2 id="second-factor-title">Second factor</h2>
      {(hasTotp || step.methods.includes('recovery_code')) && (
        <div class="field">
          <label for="second-factor-code">
            {mode === 'code' ? 'Code from your authenticator app' : 'Recovery code'}
          </label>
          <input
            id="second-factor-code"
            ref={input}
            name="one-time-code"
            autoComplete="one-time-code"
            inputMode={mode === 'code' ? 'numeric' : 'text'}
            required
            value={value}
            onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
      )}
      {error && <ErrorBox message={error} />}
      {(hasTotp || step.methods.includes('recovery_code')) && (
        <button type="submit" class="btn primary block" disabled={busy} aria-busy={busy}>
          {busy ? 'Checking…' : 'Verify'}
        </button>
      )}
      {step.methods.includes('webauthn') && (
        <button type="button" class="btn block" disabled={busy} onClick={() => void run('webauthn')}>
          Use your passkey
        </button>
      )}
      {hasTotp && (
        <button type="button" class="btn link" onClick={() => setMode(mode === 'code' ? 'recovery' : 'code')}>
          {mode === 'code' ? 'Use a recovery code' : 'Use a code from the app'}
        </button>
      )}
      <button type="button" class="btn link" onClick={onCancel}>
        Start over
      </button>
    </form>
  );
}
