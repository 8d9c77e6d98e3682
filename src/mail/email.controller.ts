import { Controller, HttpCode, Post, Res } from '@nestjs/common';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiAcceptedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiAuth } from '../common/api-auth.decorator';
import { CurrentUser, Public, RequestMeta } from '../common/decorators';
import { Principal, RequestMetadata } from '../common/principal';
import { ValidatedBody } from '../common/validation';
import { AuthRateLimit, SkipRateLimit } from '../rate-limit/rate-limit.decorators';
import { USER_OUT_SCHEMA } from '../users/user.mapper';
import { UserResponseDto } from '../users/dto/user-response.dto';
import { UserPresenter } from '../auth/user-presenter';
import { PasswordWork } from '../auth/guards/pre-parse-admission';
import { EmailTokenDto, PasswordResetConfirmDto, PasswordResetRequestDto } from './dto/email.dto';
import { MailAcceptedDto } from './dto/mail-accepted.dto';
import { EmailFlowsService } from './email-flows.service';
import { RequireFullAccess } from '../common/scopes';

/** The one body of every accepted link request, whether or not a mail was sent. */
export const MAIL_ACCEPTED: MailAcceptedDto = {
  detail: 'If the address belongs to an account that may receive it, a mail with a link is on its way.',
};
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

@ApiTags('auth')
@Controller('auth')
export class EmailController {
  constructor(
    private readonly flows: EmailFlowsService,
    private readonly present: UserPresenter,
  ) {}

  @Post('email-verification')
  @RequireFullAccess()
  @ApiAuth()
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a verification link to the current address (24 h, single use)' })
  @ApiAcceptedResponse({ type: MailAcceptedDto })
  async requestVerification(
    @CurrentUser() principal: Principal,
    @RequestMeta() meta: RequestMetadata,
  ): Promise<MailAcceptedDto> {
    await this.flows.requestVerification(principal.user.id, meta);
    return MAIL_ACCEPTED;
  }

  @Post('email-verification/confirm')
  @Public()
  @AuthRateLimit()
  @HttpCode(200)
  @ApiOperation({ summary: "Confirm an email address with its link's token; returns the user" })
  @ApiOkResponse({ type: UserResponseDto })
  @RouteSchema({ response: { 200: USER_OUT_SCHEMA } })
  async confirmVerification(
    @ValidatedBody() dto: EmailTokenDto,
    @RequestMeta() meta: RequestMetadata,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UserResponseDto> {
    noStore(reply);
    return this.present.user(await this.flows.confirmVerification(dto.token, meta));
  }

  // Limited inside (per IP and per address), answering 202 all the same; the generic limiter would answer 429.
  @Post('password-reset')
  @Public()
  @SkipRateLimit()
  @HttpCode(202)
  @ApiOperation({ summary: 'Send a password-reset link (1 h, single use); same answer for unknown addresses' })
  @ApiAcceptedResponse({ type: MailAcceptedDto })
  async requestPasswordReset(
    @ValidatedBody() dto: PasswordResetRequestDto,
    @RequestMeta() meta: RequestMetadata,
  ): Promise<MailAcceptedDto> {
    await this.flows.requestPasswordReset(dto.email, meta);
    return MAIL_ACCEPTED;
  }

  @Post('password-reset/confirm')
  @PasswordWork()
  @Public()
  @AuthRateLimit()
  @HttpCode(204)
  @ApiOperation({ summary: "Set a new password with a reset link's token; every session ends, the lockout clears" })
  @ApiNoContentResponse({ description: 'The password was set' })
  async confirmPasswordReset(
    @ValidatedBody() dto: PasswordResetConfirmDto,
    @RequestMeta() meta: RequestMetadata,
  ): Promise<void> {
    await this.flows.confirmPasswordReset(dto.token, dto.new_password, meta);
  }
}
