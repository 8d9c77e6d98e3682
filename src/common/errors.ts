import { HttpStatus } from '@nestjs/common';

/** Stable error codes; services throw these, the problem-details filter maps them to HTTP once. */
export enum ErrorCode {
  BadRequest = 'BAD_REQUEST',
  MalformedBody = 'MALFORMED_BODY',
  ValidationFailed = 'VALIDATION_FAILED',
  NotAuthenticated = 'NOT_AUTHENTICATED',
  InvalidToken = 'INVALID_TOKEN',
  InvalidApiKey = 'INVALID_API_KEY',
  InvalidCredentials = 'INVALID_CREDENTIALS',
  InvalidGrant = 'INVALID_GRANT',
  UnsupportedGrantType = 'UNSUPPORTED_GRANT_TYPE',
  Forbidden = 'FORBIDDEN',
  InactiveUser = 'INACTIVE_USER',
  AccountSuspended = 'ACCOUNT_SUSPENDED',
  NotFound = 'NOT_FOUND',
  Conflict = 'CONFLICT',
  UsernameTaken = 'USERNAME_TAKEN',
  EmailTaken = 'EMAIL_TAKEN',
  InvalidStateTransition = 'INVALID_STATE_TRANSITION',
  PayloadTooLarge = 'PAYLOAD_TOO_LARGE',
  UnsupportedMediaType = 'UNSUPPORTED_MEDIA_TYPE',
  AccountLocked = 'ACCOUNT_LOCKED',
  RateLimited = 'RATE_LIMITED',
  ServiceUnavailable = 'SERVICE_UNAVAILABLE',
  Internal = 'INTERNAL_ERROR',
  InsufficientScope = 'INSUFFICIENT_SCOPE',
  StreamTokenUsed = 'STREAM_TOKEN_USED',
  QuotaExceeded = 'QUOTA_EXCEEDED',
  BadGatewayRequest = 'BAD_GATEWAY_REQUEST',
  EmailDisabled = 'EMAIL_DISABLED',
  EmailNotVerified = 'EMAIL_NOT_VERIFIED',
  EmailTokenInvalid = 'EMAIL_TOKEN_INVALID',
  EmailAlreadyVerified = 'EMAIL_ALREADY_VERIFIED',
  ApiKeyExpired = 'API_KEY_EXPIRED',
  ApiKeyLimitReached = 'API_KEY_LIMIT_REACHED',
  ApiKeyNameTaken = 'API_KEY_NAME_TAKEN',
  InvalidMfaCode = 'INVALID_MFA_CODE',
  InvalidMfaToken = 'INVALID_MFA_TOKEN',
  MfaRequired = 'MFA_REQUIRED',
  PasskeyRejected = 'PASSKEY_REJECTED',
}

export const ERROR_STATUS: Record<ErrorCode, number> = {
  [ErrorCode.BadRequest]: HttpStatus.BAD_REQUEST,
  [ErrorCode.MalformedBody]: HttpStatus.BAD_REQUEST,
  [ErrorCode.ValidationFailed]: HttpStatus.UNPROCESSABLE_ENTITY,
  [ErrorCode.NotAuthenticated]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.InvalidToken]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.InvalidApiKey]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.InvalidCredentials]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.InvalidGrant]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.UnsupportedGrantType]: HttpStatus.BAD_REQUEST,
  [ErrorCode.Forbidden]: HttpStatus.FORBIDDEN,
  [ErrorCode.InactiveUser]: HttpStatus.FORBIDDEN,
  [ErrorCode.AccountSuspended]: HttpStatus.FORBIDDEN,
  [ErrorCode.NotFound]: HttpStatus.NOT_FOUND,
  [ErrorCode.Conflict]: HttpStatus.CONFLICT,
  [ErrorCode.UsernameTaken]: HttpStatus.CONFLICT,
  [ErrorCode.EmailTaken]: HttpStatus.CONFLICT,
  [ErrorCode.InvalidStateTransition]: HttpStatus.CONFLICT,
  [ErrorCode.PayloadTooLarge]: HttpStatus.PAYLOAD_TOO_LARGE,
  [ErrorCode.UnsupportedMediaType]: HttpStatus.UNSUPPORTED_MEDIA_TYPE,
  [ErrorCode.AccountLocked]: 423,
  [ErrorCode.RateLimited]: HttpStatus.TOO_MANY_REQUESTS,
  [ErrorCode.ServiceUnavailable]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.Internal]: HttpStatus.INTERNAL_SERVER_ERROR,
  [ErrorCode.InsufficientScope]: HttpStatus.FORBIDDEN,
  [ErrorCode.StreamTokenUsed]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.QuotaExceeded]: HttpStatus.TOO_MANY_REQUESTS,
  [ErrorCode.BadGatewayRequest]: HttpStatus.BAD_REQUEST,
  [ErrorCode.EmailDisabled]: HttpStatus.SERVICE_UNAVAILABLE,
  [ErrorCode.EmailNotVerified]: HttpStatus.FORBIDDEN,
  [ErrorCode.EmailTokenInvalid]: HttpStatus.BAD_REQUEST,
  [ErrorCode.EmailAlreadyVerified]: HttpStatus.CONFLICT,
  [ErrorCode.ApiKeyExpired]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.ApiKeyLimitReached]: HttpStatus.CONFLICT,
  [ErrorCode.ApiKeyNameTaken]: HttpStatus.CONFLICT,
  [ErrorCode.InvalidMfaCode]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.InvalidMfaToken]: HttpStatus.UNAUTHORIZED,
  [ErrorCode.MfaRequired]: HttpStatus.FORBIDDEN,
  [ErrorCode.PasskeyRejected]: HttpStatus.UNAUTHORIZED,
};

export interface FieldError {
  field: string;
  message: string;
}

export interface AppErrorOptions {
  /** Extra members of the problem document (e.g. RFC 6749 `error`). */
  extensions?: Record<string, unknown>;
  /** Extra response headers (e.g. Retry-After). */
  headers?: Record<string, string>;
  errors?: FieldError[];
}

/** A domain error: a stable code and a human `detail`; never an HTTP status. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly options: AppErrorOptions = {},
  ) {
    super(detail);
    this.name = 'AppError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  static notFound(what = 'Resource'): AppError {
    return new AppError(ErrorCode.NotFound, `${what} not found`);
  }

  static validation(errors: FieldError[], detail?: string): AppError {
    return new AppError(
      ErrorCode.ValidationFailed,
      detail ?? errors.map((e) => `${e.field}: ${e.message}`).join('; '),
      { errors },
    );
  }
}
