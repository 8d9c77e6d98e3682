import { useEffect, useState } from 'preact/hooks';
import { ErrorBox, Loading } from '../components/ui';
import { errorText } from '../hooks';
import {
  deletePasskey,
  listPasskeys,
  mfaStatus,
  registerPasskey,
  regenerateRecoveryCodes,
  totpConfirm,
  totpDisable,
  totpSetup,
  type MfaStatus,
  type PasskeyOut,
  type TotpSetup,
} from './mfa-api';

/** Recovery codes, shown once: listed, and offered as a text file. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [href, setHref] = useState<string | null>(null);
  useEffect(() => {
    const url = URL.createObjectURL(new Blob([codes.join('\n') + '\n'], { type: 'text/plain' }));
    setHref(url);
    return () => URL.revokeObjectURL(url);
  }, [codes]);
  return (
    <div class="recovery-codes" role="region" aria-label="Recovery codes">
      <p class="alert info">
        Save these recovery codes now: each signs you in once if you lose your authenticator. They are not shown again.
      </p>
      <ol class="codes" data-testid="recovery-codes">
        {codes.map((c) => (
          <li key={c}>
            <code>{c}</code>
          </li>
        ))}
      </ol>
      {href && (
        <a class="btn" href={href} download="voicegate-recovery-codes.txt">
          Download the codes
        </a>
      )}
      <button type="button" class="btn primary" onClick={onDone}>
        I have saved them
      </button>
    </div>
  );
}

function CodeForm({
  label,
  action,
  onSubmit,
}: {
  label: string;
  action: string;
  onSubmit: (v: string) => Promise<void>;
}) {
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = `code-${action.replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <form
      class="inline-form"
      onSubmit={async (e) => {
        e.preventDefault();
        setBusy(true);
        setError(null);
        try {
          await onSubmit(value.trim());
          setValue('');
        } catch (err) {
          setError(errorText(err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <label for={id}>{label}</label>
      <input
        id={id}
        autoComplete="one-time-code"
        required
        value={value}
        onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
      />
      <button type="submit" class="btn" disabled={busy}>
        {action}
      </button>
      {error && <ErrorBox message={error} />}
    </form>
  );
}

function TotpCard({ status, reload }: { status: MfaStatus; reload: () => void }) {
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  if (codes) return <RecoveryCodes codes={codes} onDone={() => (setCodes(null), reload())} />;
  return (
    <section class="card factor" aria-labelledby="totp-title">
      <h2 id="totp-title">Authenticator app</h2>
      {error && <ErrorBox message={error} />}
      {status.totp ? (
        <>
          <p>
            On. <span data-testid="recovery-remaining">{status.recovery_codes_remaining}</span> recovery codes left.
          </p>
          <CodeForm
            label="Code from the app"
            action="New recovery codes"
            onSubmit={async (code) => setCodes((await regenerateRecoveryCodes(code)).recovery_codes)}
          />
          <CodeForm
            label="Code or recovery code"
            action="Turn off"
            onSubmit={async (v) => {
              await totpDisable(/^\d{3}\s?\d{3}$/.test(v) ? { code: v } : { recovery_code: v });
              reload();
            }}
          />
        </>
      ) : setup ? (
        <>
          <p>Scan the code with your authenticator app, or enter the key by hand, then type the code it shows.</p>
          <img
            class="qr"
            alt="QR code of the authenticator key"
            width={200}
            height={200}
            src={`data:image/svg+xml;base64,${btoa(setup.qr_svg)}`}
          />
          <p>
            Key: <code data-testid="totp-secret">{setup.secret}</code>
          </p>
          <CodeForm
            label="Code from the app"
            action="Confirm"
            onSubmit={async (code) => {
              setCodes((await totpConfirm(code)).recovery_codes);
              setSetup(null);
            }}
          />
        </>
      ) : (
        <>
          <p>Off.</p>
          <button
            type="button"
            class="btn primary"
            onClick={async () => {
              setError(null);
              try {
                setSetup(await totpSetup());
              } catch (err) {
                setError(errorText(err));
              }
            }}
          >
            Set up an authenticator app
          </button>
        </>
      )}
    </section>
  );
}

function PasskeysCard({ reload }: { reload: () => void }) {
  const [keys, setKeys] = useState<PasskeyOut[] | null>(null);
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const load = async () => setKeys(await listPasskeys().catch((e) => (setError(errorText(e)), [])));
  useEffect(() => void load(), []);
  return (
    <section class="card factor" aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys</h2>
      {error && <ErrorBox message={error} />}
      {!keys ? (
        <Loading />
      ) : keys.length === 0 ? (
        <p>No passkeys yet.</p>
      ) : (
        <ul class="passkeys">
          {keys.map((k) => (
            <li key={k.id}>
              <span class="passkey-name">{k.name}</span>{' '}
              <button
                type="button"
                class="btn small danger"
                aria-label={`Delete passkey ${k.name}`}
                onClick={async () => {
                  if (!confirm(`Delete the passkey "${k.name}"?`)) return;
                  await deletePasskey(k.id).catch((e) => setError(errorText(e)));
                  await load();
                  reload();
                }}
              >
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        class="inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          setError(null);
          try {
            await registerPasskey(name.trim());
            setName('');
            await load();
            reload();
          } catch (err) {
            setError(errorText(err));
          }
        }}
      >
        <label for="passkey-name">Passkey name</label>
        <input id="passkey-name" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit" class="btn primary">
          Add a passkey
        </button>
      </form>
    </section>
  );
}

/** Second factors of the signed-in user: TOTP with its QR code and recovery codes, and passkeys. */
export function SecurityPage() {
  const [status, setStatus] = useState<MfaStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const reload = () =>
    void mfaStatus()
      .then(setStatus)
      .catch((e) => setError(errorText(e)));
  useEffect(() => {
    document.title = 'Security · Voicegate account';
    reload();
  }, []);
  return (
    <>
      <h1 tabIndex={-1}>Sign-in security</h1>
      {error && <ErrorBox message={error} onRetry={reload} />}
      {!status ? (
        <Loading />
      ) : (
        <>
          <TotpCard status={status} reload={reload} />
          <PasskeysCard reload={reload} />
        </>
      )}
    </>
  );
}
