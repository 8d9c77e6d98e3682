import { ExecutionContext, Injectable } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppError, ErrorCode } from '../../common/errors';
import { LoginDto } from '../dto/auth.dto';

/** Validates the login body first (422 for a malformed one), then lets passport-local check the password. */
@Injectable()
export class LocalAuthGuard extends AuthGuard('local') {
  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const body = context.switchToHttp().getRequest<{ body?: unknown }>().body;
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw new AppError(ErrorCode.MalformedBody, 'Request body must be a JSON object');
    const errors = validateSync(plainToInstance(LoginDto, body), { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length)
      throw AppError.validation(
        errors.flatMap((e) =>
          Object.values(e.constraints ?? {}).map((message) => ({
            field: e.property,
            message: message.replace(/^property \S+ should not exist$/, 'unknown field'),
          })),
        ),
      );
    return (await super.canActivate(context)) as boolean;
  }

  override getAuthenticateOptions() {
    return { session: false };
  }

  override handleRequest<T>(err: unknown, user: T): T {
    if (err) throw err;
    if (!user) throw new AppError(ErrorCode.InvalidCredentials, 'Incorrect username or password');
    return user;
  }
}
