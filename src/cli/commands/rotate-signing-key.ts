import { isAsymmetric } from '../../config/app-config';
import { SigningKeyService } from '../../signing-keys/signing-key.service';
import { CliGlobals, cliConfig } from '../cli-config';
import { withAppContext } from '../cli-context';
import { CliError } from '../cli-error';
import { createProgress } from '../progress';

export interface RotateSigningKeyOptions {
  json?: boolean;
}

/**
 * next → current, current → retired (still published and verifying until every token it signed has expired), and a
 * new next. Running instances pick the change up at once through Redis, or within a minute.
 */
export async function rotateSigningKey(opts: RotateSigningKeyOptions, globals: CliGlobals): Promise<void> {
  const config = cliConfig();
  if (!isAsymmetric(config.jwt.algorithm))
    throw new CliError(
      `ALGORITHM is ${config.jwt.algorithm}: tokens are signed with SECRET_KEY and there is no signing key to rotate ` +
        '(set ALGORITHM=EdDSA, ES256 or RS256 to use key pairs).',
    );
  const result = await withAppContext(config, globals, async (ctx) => {
    const keys = ctx.get(SigningKeyService);
    const progress = createProgress('Signing keys');
    try {
      progress.update(0, 2);
      await keys.reload();
      const existed = keys.published().some((k) => k.state === 'current');
      await keys.ensureKeys();
      progress.update(1, 2);
      if (!existed) {
        progress.update(2, 2);
        return { created: true as const, current: keys.currentKid! };
      }
      const outcome = await keys.rotate();
      progress.update(2, 2);
      if (!outcome) throw new CliError('Another rotation changed the keys at the same moment; nothing was done here.');
      const retired = keys.published().find((k) => k.kid === outcome.retired);
      return {
        created: false as const,
        ...outcome,
        retired_until: retired?.expiresAt ? new Date(retired.expiresAt).toISOString() : null,
      };
    } finally {
      progress.stop();
    }
  });
  if (opts.json) {
    process.stdout.write(JSON.stringify(result) + '\n');
    return;
  }
  if (result.created) {
    process.stdout.write(`No signing key existed: created the current key ${result.current} and a next key.\n`);
    return;
  }
  process.stdout.write(
    `Signing key rotated (${config.jwt.algorithm}).\n` +
      `  current: ${result.current} (was next)\n` +
      `  next:    ${result.next} (new, published now)\n` +
      (result.retired ? `  retired: ${result.retired} (published and verifying until ${result.retired_until})\n` : ''),
  );
}
