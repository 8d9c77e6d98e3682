import { Controller, Delete, Get, HttpCode, HttpStatus, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/api-auth.decorator';
import { CurrentUser, RequestMeta, Roles } from '../common/decorators';
import { ParseUuidOr404Pipe } from '../common/pipes';
import { Principal, RequestMetadata } from '../common/principal';
import { RequireScope } from '../common/scopes';
import { Role } from '../users/users.enums';
import { AdminMfaDetailDto } from './dto/mfa-response.dto';
import { MfaService } from './mfa.service';

const UserId = () => Param('id', new ParseUuidOr404Pipe('User'));

/** Admins: a user's factors, and the reset that removes them all. */
@ApiTags('admin')
@ApiAuth()
@Roles(Role.Admin)
@RequireScope('admin')
@Controller('auth/admin/users/:id/mfa')
export class MfaAdminController {
  constructor(private readonly mfa: MfaService) {}

  @Get()
  @ApiOperation({ summary: "A user's second factors: TOTP, recovery codes left, passkeys" })
  @ApiOkResponse({ type: AdminMfaDetailDto })
  detail(@UserId() id: string): Promise<AdminMfaDetailDto> {
    return this.mfa.adminDetail(id);
  }

  @Delete()
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse()
  @ApiOperation({ summary: "Remove every second factor of a user (audited); the user's sessions end" })
  async reset(@CurrentUser() p: Principal, @UserId() id: string, @RequestMeta() meta: RequestMetadata): Promise<void> {
    await this.mfa.adminReset({ id: p.user.id, meta }, id);
  }
}
