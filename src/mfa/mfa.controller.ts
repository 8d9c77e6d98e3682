import { Controller, Delete, Get, HttpCode, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { FastifyReply } from 'fastify';
import { loginBody } from '../auth/auth.controller';
import { UserPresenter } from '../auth/user-presenter';
import { ApiAuth } from '../common/api-auth.decorator';
import { CurrentUser, Public, RequestMeta } from '../common/decorators';
import { AppError } from '../common/errors';
import { Principal, RequestMetadata } from '../common/principal';
import { ValidatedBody } from '../common/validation';
import { AuthRateLimit } from '../rate-limit/rate-limit.decorators';
import { RequireFullAccess, RequireScope } from '../common/scopes';
import { CodeOrRecoveryDto, MfaVerifyDto, TotpCodeDto } from './dto/mfa.dto';
import { MfaStatusDto, RecoveryCodesDto, TotpSetupDto } from './dto/mfa-response.dto';
import { MfaSignInService, StepProof } from './mfa-sign-in.service';
import { MfaService } from './mfa.service';
import { CodeProof } from './totp.service';

export const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

/** Exactly one of the given fields, or 422 naming them. */
export function exactlyOne<T extends object>(dto: T, fields: (keyof T & string)[]): keyof T & string {
  const given = fields.filter((f) => dto[f] !== undefined);
  if (given.length === 1) return given[0];
  throw AppError.validation(
    [{ field: fields.join('|'), message: given.length ? 'give only one of these' : 'one of these is required' }],
    `Give exactly one of ${fields.join(', ')}`,
  );
}

const codeProof = (dto: CodeOrRecoveryDto): CodeProof =>
  exactlyOne(dto, ['code', 'recovery_code']) === 'code' ? { code: dto.code! } : { recovery_code: dto.recovery_code! };

/** TOTP with recovery codes, the factors' status, and the sign-in step's verification. */
@ApiTags('mfa')
@Controller('auth/mfa')
export class MfaController {
  constructor(
    private readonly mfa: MfaService,
    private readonly signIn: MfaSignInService,
    private readonly present: UserPresenter,
  ) {}

  @Get()
  @RequireScope('profile:read')
  @ApiAuth()
  @ApiOperation({ summary: 'Second factors of the caller: `{totp, passkeys, recovery_codes_remaining}`' })
  @ApiOkResponse({ type: MfaStatusDto })
  status(@CurrentUser() p: Principal): Promise<MfaStatusDto> {
    return this.mfa.status(p.user.id);
  }

  @Post('totp/setup')
  @RequireFullAccess()
  @ApiAuth()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Start TOTP setup: a new secret with its otpauth:// URI and QR code (SVG); pending until confirmed',
  })
  @ApiOkResponse({ type: TotpSetupDto })
  async setup(@CurrentUser() p: Principal, @Res({ passthrough: true }) reply: FastifyReply): Promise<TotpSetupDto> {
    noStore(reply);
    return this.mfa.setupTotp(p);
  }

  @Post('totp/confirm')
  @RequireFullAccess()
  @ApiAuth()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Confirm TOTP with a code: enables it and returns 10 recovery codes (shown once)' })
  @ApiOkResponse({ type: RecoveryCodesDto })
  async confirm(
    @CurrentUser() p: Principal,
    @ValidatedBody() dto: TotpCodeDto,
    @RequestMeta() meta: RequestMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    noStore(reply);
    return this.mfa.confirmTotp(p, dto.code, meta);
  }

  @Post('recovery-codes')
  @RequireFullAccess()
  @ApiAuth()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'A new set of 10 recovery codes (the old set stops working), authorized by a TOTP code' })
  @ApiOkResponse({ type: RecoveryCodesDto })
  async regenerate(
    @CurrentUser() p: Principal,
    @ValidatedBody() dto: TotpCodeDto,
    @RequestMeta() meta: RequestMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    noStore(reply);
    return this.mfa.regenerateRecoveryCodes(p, dto.code, meta);
  }

  @Delete('totp')
  @RequireFullAccess()
  @ApiAuth()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiOperation({ summary: 'Disable TOTP (and its recovery codes) with a TOTP code or a recovery code' })
  async disable(
    @CurrentUser() p: Principal,
    @ValidatedBody() dto: CodeOrRecoveryDto,
    @RequestMeta() meta: RequestMetadata,
  ): Promise<void> {
    await this.mfa.disableTotp(p, codeProof(dto), meta);
  }

  @Post('verify')
  @Public()
  @AuthRateLimit()
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary:
      'Complete a sign-in step: mfa_token with a code, a recovery code or a passkey assertion → the /auth/login body',
  })
  async verify(
    @ValidatedBody() dto: MfaVerifyDto,
    @RequestMeta() meta: RequestMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const field = exactlyOne(dto, ['code', 'recovery_code', 'webauthn_response']);
    const proof: StepProof =
      field === 'webauthn_response'
        ? { webauthn_response: dto.webauthn_response as unknown as AuthenticationResponseJSON }
        : field === 'code'
          ? { code: dto.code! }
          : { recovery_code: dto.recovery_code! };
    noStore(reply);
    const { user, tokens, session } = await this.signIn.verify(dto.mfa_token, proof, meta);
    return loginBody(this.present.user(user), tokens, session.id);
  }
}
