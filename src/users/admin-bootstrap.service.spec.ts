import { Logger } from '@nestjs/common';
import { AppError, ErrorCode } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { AdminBootstrapService, credentialsBlock, GENERATED_ADMIN } from './admin-bootstrap.service';
import { User } from './entities/user.entity';
import { Role } from './users.enums';
import { UsersService } from './users.service';

type CreateInput = { username: string; email: string; password: string };

function setup(
  opts: {
    env?: AppConfig['env'];
    admin?: AppConfig['admin'];
    exists?: boolean[];
    create?: (input: CreateInput) => Promise<unknown>;
    disabled?: boolean;
  } = {},
) {
  const exists = [...(opts.exists ?? [false])];
  const users = {
    adminExists: jest.fn(async () => exists.shift() ?? true),
    create: jest.fn<Promise<unknown>, [CreateInput]>(
      opts.create ?? (async (input) => ({ user: { id: 'u1', ...input } as unknown as User, apiKey: 'tk_key' })),
    ),
  };
  const config = { env: opts.env ?? 'development', admin: opts.admin ?? {} } as AppConfig;
  const sut = new AdminBootstrapService(users as unknown as UsersService, config, opts.disabled);
  return { sut, users };
}

describe('AdminBootstrapService', () => {
  let stdout: jest.SpyInstance;
  beforeAll(() => Logger.overrideLogger(false)); // only the credentials block may reach stdout here
  beforeEach(() => {
    stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });
  afterEach(() => stdout.mockRestore());

  it('does nothing when an admin exists', async () => {
    const { sut, users } = setup({ exists: [true] });
    expect(await sut.ensureFirstAdmin()).toEqual({ action: 'exists' });
    expect(users.create).not.toHaveBeenCalled();
  });

  it('creates the admin from ADMIN_* as a verified admin, without printing anything', async () => {
    const { sut, users } = setup({
      admin: { email: 'a@example.com', username: 'boss', password: 'granite-harbor-81' },
    });
    await sut.onApplicationBootstrap();
    expect(users.create).toHaveBeenCalledWith({
      email: 'a@example.com',
      username: 'boss',
      password: 'granite-harbor-81',
      role: Role.Admin,
      isVerified: true,
    });
    expect(stdout).not.toHaveBeenCalled();
  });

  it('outside production, generates a password and prints it with the API key once, on stdout', async () => {
    const { sut, users } = setup();
    await sut.onApplicationBootstrap();
    const { password } = users.create.mock.calls[0][0];
    expect(users.create.mock.calls[0][0]).toMatchObject({ ...GENERATED_ADMIN, role: Role.Admin });
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(stdout).toHaveBeenCalledTimes(1);
    expect(stdout.mock.calls[0][0]).toContain(`password:  ${password}`);
    expect(stdout.mock.calls[0][0]).toContain('API key:   tk_key');
  });

  it('in production without ADMIN_PASSWORD creates nothing and says how to', async () => {
    const { sut, users } = setup({ env: 'production', admin: { email: 'a@example.com', username: 'boss' } });
    const outcome = await sut.ensureFirstAdmin();
    expect(outcome).toMatchObject({ action: 'skipped', reason: expect.stringContaining('npm run init-db') });
    expect(users.create).not.toHaveBeenCalled();
  });

  it('NODE_ENV=test without ADMIN_* skips the check; the CLI can turn it off', async () => {
    for (const s of [setup({ env: 'test' }), setup({ disabled: true })]) {
      await s.sut.onApplicationBootstrap();
      expect(s.users.adminExists).not.toHaveBeenCalled();
    }
  });

  it('losing the race to another instance (duplicate name, admin now exists) is not an error and prints nothing', async () => {
    const { sut } = setup({
      exists: [false, true],
      create: async () => Promise.reject(new AppError(ErrorCode.UsernameTaken, 'Username already registered')),
    });
    expect(await sut.ensureFirstAdmin()).toEqual({ action: 'raced' });
    await expect(
      setup({
        exists: [false, true],
        create: async () => Promise.reject(new AppError(ErrorCode.EmailTaken, 'x')),
      }).sut.onApplicationBootstrap(),
    ).resolves.toBeUndefined();
    expect(stdout).not.toHaveBeenCalled();
  });

  it('a name held by a non-admin account is reported, not fatal; an invalid ADMIN_PASSWORD stops the start', async () => {
    const taken = setup({
      exists: [false, false],
      create: async () => Promise.reject(new AppError(ErrorCode.EmailTaken, 'Email already registered')),
    });
    expect(await taken.sut.ensureFirstAdmin()).toMatchObject({
      action: 'skipped',
      reason: expect.stringContaining('Email already registered'),
    });
    const weak = setup({
      admin: { email: 'a@example.com', username: 'boss', password: 'password' },
      create: async () => Promise.reject(AppError.validation([{ field: 'password', message: 'is too common' }])),
    });
    await expect(weak.sut.onApplicationBootstrap()).rejects.toThrow(
      'ADMIN_EMAIL/ADMIN_USERNAME/ADMIN_PASSWORD is not valid: password: is too common',
    );
  });

  it('frames the credentials block', () => {
    const lines = credentialsBlock({ username: 'admin', email: 'admin@voicegate.local' }, 'pw', 'tk_x')
      .trim()
      .split('\n');
    expect(lines[0]).toMatch(/^=+$/);
    expect(lines[lines.length - 1]).toBe(lines[0]);
    for (const l of lines.slice(1, -1)) expect(l).toMatch(/^\| .* \|$/);
    expect(new Set(lines.map((l) => l.length)).size).toBe(1);
  });
});
