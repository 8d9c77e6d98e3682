import { Inject, Injectable, Logger, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AppError, ErrorCode } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { User } from './entities/user.entity';
import { Role } from './users.enums';
import { UsersService } from './users.service';

/** Provide `true` under this token to skip the start-up admin check (the operator CLI does its own). */
export const ADMIN_BOOTSTRAP_DISABLED = Symbol('ADMIN_BOOTSTRAP_DISABLED');

/** Name and address of the admin generated in development when no ADMIN_* variables are set. */
export const GENERATED_ADMIN = { username: 'admin', email: 'admin@voicegate.local' } as const;

/** 18 random bytes → 24 url-safe characters: far beyond the password policy, easy to copy. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

export type BootstrapOutcome =
  | { action: 'exists' }
  | { action: 'created'; user: User; apiKey: string; generatedPassword?: string }
  | { action: 'raced' }
  | { action: 'skipped'; reason: string };

/**
 * First start: when no admin exists, create one from ADMIN_EMAIL/ADMIN_USERNAME/ADMIN_PASSWORD,
 * or outside production with a generated password printed once to the console. Two instances starting at once
 * both try to insert the same account; the unique indexes let one win and the other sees the admin exists.
 */
@Injectable()
export class AdminBootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstAdmin');

  constructor(
    private readonly users: UsersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(ADMIN_BOOTSTRAP_DISABLED) private readonly disabled?: boolean,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.disabled) return;
    const { email, username, password } = this.config.admin;
    // Test apps start on empty databases all the time; only a test that sets ADMIN_* asks for this.
    if (this.config.env === 'test' && !email && !username && !password) return;
    const outcome = await this.ensureFirstAdmin();
    if (outcome.action === 'created') {
      if (outcome.generatedPassword) {
        // Straight to the console, not through the JSON logger, so log shipping never captures the secret.
        process.stdout.write(credentialsBlock(outcome.user, outcome.generatedPassword, outcome.apiKey));
        this.logger.warn(
          `No admin existed: created "${outcome.user.username}" with a generated password, printed once to the console (not to the log). Change it after signing in.`,
        );
      } else {
        this.logger.log(
          `No admin existed: created "${outcome.user.username}" from ADMIN_EMAIL/ADMIN_USERNAME/ADMIN_PASSWORD`,
        );
      }
    } else if (outcome.action === 'raced') {
      this.logger.log('Another instance created the first admin at the same time');
    } else if (outcome.action === 'skipped') {
      this.logger.warn(outcome.reason);
    }
  }

  adminExists(): Promise<boolean> {
    return this.users.adminExists();
  }

  /** Creates the first admin when none exists (see class comment); never prints anything itself. */
  async ensureFirstAdmin(): Promise<BootstrapOutcome> {
    if (await this.adminExists()) return { action: 'exists' };
    const { email, username, password } = this.config.admin;
    const production = this.config.env === 'production';
    if (!password && production)
      return {
        action: 'skipped',
        reason:
          'No admin account exists. Create one with `npm run init-db` (interactive) or `npm run cli -- create-admin`, ' +
          'or set ADMIN_EMAIL, ADMIN_USERNAME and ADMIN_PASSWORD and restart.',
      };
    const generatedPassword = password ? undefined : generatePassword();
    const account = { email: email ?? GENERATED_ADMIN.email, username: username ?? GENERATED_ADMIN.username };
    try {
      const { user, apiKey } = await this.users.create({
        ...account,
        password: password ?? generatedPassword!,
        role: Role.Admin,
        isVerified: true,
      });
      return { action: 'created', user, apiKey, generatedPassword };
    } catch (err) {
      if (err instanceof AppError && (err.code === ErrorCode.UsernameTaken || err.code === ErrorCode.EmailTaken)) {
        // Lost the race to another instance, or the name belongs to an existing non-admin account.
        if (await this.adminExists()) return { action: 'raced' };
        return {
          action: 'skipped',
          reason:
            `No admin account exists, and the first admin could not be created: ${err.detail} (${account.username} / ${account.email}). ` +
            'Set other ADMIN_EMAIL/ADMIN_USERNAME values, or create an admin with `npm run cli -- create-admin`.',
        };
      }
      if (err instanceof AppError && err.code === ErrorCode.ValidationFailed)
        throw new Error(`The first admin from ADMIN_EMAIL/ADMIN_USERNAME/ADMIN_PASSWORD is not valid: ${err.detail}`, {
          cause: err,
        });
      throw err;
    }
  }
}

/** The one-time console reveal of a generated admin account. */
export function credentialsBlock(user: Pick<User, 'username' | 'email'>, password: string, apiKey: string): string {
  const lines = [
    'FIRST ADMIN ACCOUNT (generated; shown only this once)',
    '',
    `username:  ${user.username}`,
    `email:     ${user.email}`,
    `password:  ${password}`,
    `API key:   ${apiKey}`,
    '',
    'Sign in at /admin/users and change the password (POST /auth/change-password).',
    'This block is printed to the console only, never to the structured log.',
  ];
  const width = Math.max(...lines.map((l) => l.length));
  const bar = '='.repeat(width + 4);
  return ['', bar, ...lines.map((l) => `| ${l.padEnd(width)} |`), bar, ''].join('\n') + '\n';
}
