import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/api-auth.decorator';
import { CurrentUser, RequestMeta, Roles } from '../common/decorators';
import { ParseUuidOr404Pipe } from '../common/pipes';
import { Principal, RequestMetadata } from '../common/principal';
import { Role } from '../users/users.enums';
import { MAIL_ACCEPTED } from './email.controller';
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
  async sendPasswordReset(@CurrentUser() p: Principal, @UserId() id: string, @RequestMeta() meta: RequestMetadata) {
    await this.flows.adminSend({ id: p.user.id, meta }, id, MailKind.PasswordReset);
    return MAIL_ACCEPTED;
  }

  @Post(':id/send-verification')
  @HttpCode(202)
  @ApiOperation({ summary: "Send a verification link to the user's address (409 when already verified)" })
  async sendVerification(@CurrentUser() p: Principal, @UserId() id: string, @RequestMeta() meta: RequestMetadata) {
    await this.flows.adminSend({ id: p.user.id, meta }, id, MailKind.VerifyEmail);
    return MAIL_ACCEPTED;
  }
}
