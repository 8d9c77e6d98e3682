import { AppError, ErrorCode } from '../../common/errors';
import { AppConfig } from '../../config/app-config';
import { PasswordHasher } from './password-hasher.service';

describe('PasswordHasher: bounded password work', () => {
  let sut: PasswordHasher;
  afterEach(() => sut.onApplicationShutdown());

  it('caps work in progress for the instance: past the cap, 503 with Retry-After at once, nothing queued', async () => {
    sut = new PasswordHasher({ bcryptRounds: 8, passwordHashing: { threads: 1, maxPending: 3 } } as AppConfig);
    const hash = await sut.hash('correct horse battery');
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => sut.verify('correct horse battery', hash)),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(3);
    expect(ok.every((r) => (r as PromiseFulfilledResult<boolean>).value)).toBe(true);
    expect(refused).toHaveLength(7);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(AppError);
      expect((r.reason as AppError).code).toBe(ErrorCode.ServiceUnavailable);
      expect((r.reason as AppError).status).toBe(503);
      expect(Number((r.reason as AppError).options.headers?.['retry-after'])).toBeGreaterThanOrEqual(1);
    }
    // Capacity comes back as work finishes.
    await expect(sut.verify('correct horse battery', hash)).resolves.toBe(true);
    expect(() => sut.assertCapacity()).not.toThrow();
  });

  it('the unknown-user path is refused before it spends anything', async () => {
    sut = new PasswordHasher({ bcryptRounds: 8, passwordHashing: { threads: 1, maxPending: 1 } } as AppConfig);
    const first = sut.verifyDummy('a');
    await expect(sut.verifyDummy('b')).rejects.toMatchObject({ code: ErrorCode.ServiceUnavailable });
    await first;
  });
});
