import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { AppError, ErrorCode } from '../../common/errors';
import { LoginDto } from '../dto/auth.dto';
import { AppPassport } from '../strategies/app-passport';

/** Validates the login body first (422 for a malformed one), then lets passport-local check the password. */
@Injectable()
export class LocalAuthGuard implements CanActivate {
  constructor(private readonly passport: AppPassport) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<{ body?: unknown; user?: unknown }>();
    const body = req.body;
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
    const { err, user } = await this.passport.authenticate('local', req, http.getResponse());
    if (err) throw err;
    if (!user) throw new AppError(ErrorCode.InvalidCredentials, 'Incorrect username or password');
    req.user = user;
    return true;
  }
}
