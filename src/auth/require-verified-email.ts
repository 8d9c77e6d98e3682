import { AppError, ErrorCode } from '../common/errors';
import { AppConfig } from '../config/app-config';

/** With REQUIRE_VERIFIED_EMAIL, an account whose address is not verified cannot sign in (after a right password). */
export function assertEmailVerified(user: { isVerified: boolean }, config: AppConfig): void {
  if (config.mail.requireVerifiedEmail && !user.isVerified)
    throw new AppError(ErrorCode.EmailNotVerified, 'Email not verified');
}
