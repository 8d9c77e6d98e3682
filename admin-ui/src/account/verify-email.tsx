import { useEffect, useState } from 'preact/hooks';
import { ErrorBox } from '../components/ui';
import type { UserOut } from '../types';
import { postPublic, takeLinkToken } from './link-token';

type State = { step: 'ready' } | { step: 'busy' } | { step: 'done'; email: string } | { step: 'failed'; error: string };

/** Opened from a verification mail: the address is confirmed only when the button is pressed (a POST). */
export function VerifyEmailPage() {
  const [token] = useState(takeLinkToken);
  const [state, setState] = useState<State>({ step: 'ready' });
  useEffect(() => {
    document.title = 'Confirm your email address · Voicegate';
  }, []);

  const confirm = async () => {
    setState({ step: 'busy' });
    try {
      const user = await postPublic<UserOut>('/auth/email-verification/confirm', { token });
      setState({ step: 'done', email: user?.email ?? '' });
    } catch (err) {
      setState({ step: 'failed', error: (err as Error).message });
    }
  };

  return (
    <main id="main" class="sign-in">
      <section class="card sign-in-card" aria-labelledby="verify-title">
        <p class="brand-large" aria-hidden="true">
          Voicegate
        </p>
        <h1 id="verify-title" tabIndex={-1}>
          Confirm your email address
        </h1>
        {!token ? (
          <ErrorBox message="This page needs the link from your mail. Open the link again, or ask for a new one." />
        ) : state.step === 'done' ? (
          <p class="alert info" role="status">
            Thank you: {state.email || 'your address'} is confirmed. You can close this page.
          </p>
        ) : (
          <>
            <p>Press the button to confirm that this address belongs to your account.</p>
            {state.step === 'failed' && <ErrorBox message={state.error} />}
            <button
              type="button"
              class="btn primary block"
              disabled={state.step === 'busy'}
              aria-busy={state.step === 'busy'}
              onClick={() => void confirm()}
            >
              {state.step === 'busy' ? 'Confirming…' : 'Confirm email address'}
            </button>
          </>
        )}
      </section>
    </main>
  );
}
