import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/api-auth.decorator';
import { CurrentUser, RequestMeta, Roles } from '../common/decorators';
import { ParseUuidOr404Pipe } from '../common/pipes';
import { Principal, RequestMetadata } from '../common/principal';
import { Role } from '../users/users.enums';
import { MAIL_ACCEPTED } from './email.controller';
import { MailAcceptedDto } from './dto/mail-accepted.dto';
import { EmailFlowsService } from './email-flows.service';
import { MailKind } from './mail.enums';
import { RequireScope } from '../common/scopes';

const UserId = () => Param('id', new ParseUuidOr404Pipe('User'));

/** Admins send a user the links a user could ask for themself. */
@ApiTags('admin')
@ApiAuth()
@Roles(Role.Admin)
@RequireScope('admin')
@Controller('auth/admin/users')
export class EmailAdminController {
  constructor(private readonly flows: EmailFlowsService) {}

  @Post(':id/send-password-reset')
  @HttpCode(202)
  @ApiOperation({ summary: "Send a password-reset link to the user's address" })
  @ApiAcceptedResponse({ type: MailAcceptedDto })
  async sendPasswordReset(
    @CurrentUser() p: Principal,
    @UserId() id: string,
    @RequestMeta() meta: RequestMetadata,
  ): Promise<MailAcceptedDto> {
    await this.flows.adminSend({ id: p.user.id, meta }, id, MailKind.PasswordReset);
    return MAIL_ACCEPTED;
  }

  @Post(':id/send-verification')
  @HttpCode(202)
  @ApiOperation({ summary: "Send a verification link to the user's address (409 when already verified)" })
  @ApiAcceptedResponse({ type: MailAcceptedDto })
  async sendVerification(
    @CurrentUser() p: Principal,
    @UserId() id: string,
    @RequestMeta() meta: RequestMetadata,
  ): Promise<MailAcceptedDto> {
    await this.flows.adminSend({ id: p.user.id, meta }, id, MailKind.VerifyEmail);
    return MAIL_ACCEPTED;
  }
}
