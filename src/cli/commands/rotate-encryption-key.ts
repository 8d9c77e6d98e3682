import { DataSource } from 'typeorm';
import { rotateTotpSecrets } from '../../mfa/totp-secret-rotation';
import { rotateEncryptionKeys } from '../../service-keys/key-rotation';
import { rotateSigningKeyEncryption } from '../../signing-keys/encryption-rotation';
import { rotateWebhookSecrets } from '../../webhooks/webhook-secret-rotation';
import { CliGlobals, cliConfig } from '../cli-config';
import { withAppContext } from '../cli-context';
import { CliError } from '../cli-error';
import { createProgress } from '../progress';

export interface RotateOptions {
  batchSize?: number;
}

/**
 * Re-encrypts every stored service key, signing key, webhook secret and TOTP secret with the first ENCRYPTION_KEY,
 * with progress.
 */
export async function rotateEncryptionKey(opts: RotateOptions, globals: CliGlobals): Promise<void> {
  const config = cliConfig();
  const keys = config.encryptionKeys;
  process.stderr.write(
    keys.length > 1
      ? `Re-encrypting stored service keys with the first of ${keys.length} ENCRYPTION_KEY keys.\n`
      : 'ENCRYPTION_KEY holds one key: checking every stored service key is encrypted with it.\n',
  );
  const [result, signing, webhooks, totp] = await withAppContext(config, globals, async (ctx) => {
    const progress = createProgress('Service keys');
    let services;
    try {
      services = await rotateEncryptionKeys(ctx.get(DataSource), keys, {
        batchSize: opts.batchSize,
        onProgress: (done, total) => progress.update(done, total),
      });
    } finally {
      progress.stop();
    }
    const signingProgress = createProgress('Signing keys');
    let signingKeys;
    try {
      signingKeys = await rotateSigningKeyEncryption(ctx.get(DataSource), keys, {
        onProgress: (done, total) => signingProgress.update(done, total),
      });
    } finally {
      signingProgress.stop();
    }
    return [
      services,
      signingKeys,
      await rotateWebhookSecrets(ctx.get(DataSource), keys),
      await rotateTotpSecrets(ctx.get(DataSource), keys),
    ] as const;
  });
  process.stdout.write(
    `Webhook signing secrets: ${webhooks.total} stored, ${webhooks.rotated} re-encrypted` +
      (webhooks.undecryptable.length ? `, not decryptable for endpoint(s) ${webhooks.undecryptable.join(', ')}` : '') +
      '.\n',
  );
  process.stdout.write(
    `TOTP secrets: ${totp.total} stored, ${totp.rotated} re-encrypted` +
      (totp.undecryptable.length ? `, not decryptable for user(s) ${totp.undecryptable.join(', ')}` : '') +
      '.\n',
  );
  process.stdout.write(
    `Service keys: ${result.total} stored, ${result.rotated} re-encrypted, ${result.alreadyCurrent} already under the first key.\n`,
  );
  process.stdout.write(
    `Signing keys: ${signing.total} with a private key, ${signing.rotated} re-encrypted, ${signing.alreadyCurrent} already under the first key.\n`,
  );
  if (signing.undecryptable.length) {
    process.stderr.write(
      `Signing keys not decryptable with any ENCRYPTION_KEY (left unchanged):\n${signing.undecryptable.map((id) => `  ${id}`).join('\n')}\n`,
    );
    throw new CliError(
      `${signing.undecryptable.length} signing key(s) could not be decrypted; keep the key that encrypted them in ENCRYPTION_KEY and run again.`,
    );
  }
  if (result.undecryptable.length) {
    process.stderr.write(
      `Not decryptable with any ENCRYPTION_KEY (left unchanged):\n${result.undecryptable.map((id) => `  ${id}`).join('\n')}\n`,
    );
    throw new CliError(
      `${result.undecryptable.length} service key(s) could not be decrypted; keep the key that encrypted them in ENCRYPTION_KEY and run again.`,
    );
  }
  if (webhooks.undecryptable.length)
    throw new CliError(
      `${webhooks.undecryptable.length} webhook endpoint secret(s) could not be decrypted; keep the key that encrypted them in ENCRYPTION_KEY and run again.`,
    );
  if (totp.undecryptable.length)
    throw new CliError(
      `${totp.undecryptable.length} TOTP secret(s) could not be decrypted; keep the key that encrypted them in ENCRYPTION_KEY and run again.`,
    );
  if (keys.length > 1)
    process.stdout.write(
      'Every stored key is now under the first key: the others can be removed from ENCRYPTION_KEY.\n',
    );
}
