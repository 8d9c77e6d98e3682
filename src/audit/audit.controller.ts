import { Controller, Get } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiAuth } from '../common/api-auth.decorator';
import { CurrentUser, Roles } from '../common/decorators';
import { Principal } from '../common/principal';
import { ValidatedQuery } from '../common/validation';
import { Role } from '../common/role';
import { AuditQueryService, SecurityEventFilter } from './audit-query.service';
import { AdminSecurityEventQueryDto, PageQueryDto, SecurityEventQueryDto } from './dto/audit-query.dto';
import { asSeenByOwner } from './audit.mapper';
import { AdminSecurityEventPageDto, LoginHistoryPageDto, OwnSecurityEventPageDto } from './dto/audit-response.dto';
import { RequireScope } from '../common/scopes';

const toFilter = (q: SecurityEventQueryDto): SecurityEventFilter => ({
  type: q.type,
  severity: q.severity,
  since: q.since ? new Date(q.since) : undefined,
  until: q.until ? new Date(q.until) : undefined,
  page: q.page,
  perPage: q.per_page,
});

/** The audit trail as its subjects and admins read it. Writing happens through events only. */
@ApiTags('audit')
@ApiAuth()
@Controller('auth')
export class AuditController {
  constructor(private readonly audit: AuditQueryService) {}

  @Get('login-history')
  @RequireScope('profile:read')
  @ApiOperation({ summary: 'Your login attempts, newest first (paginated)' })
  @ApiOkResponse({ type: LoginHistoryPageDto })
  @ApiUnprocessableEntityResponse({ description: 'Bad page or per_page (1–100)' })
  loginHistory(@CurrentUser() principal: Principal, @ValidatedQuery() q: PageQueryDto): Promise<LoginHistoryPageDto> {
    return this.audit.loginHistory(principal.user.id, { page: q.page, perPage: q.per_page });
  }

  @Get('security-events')
  @RequireScope('profile:read')
  @ApiOperation({ summary: 'Security events about you, newest first (paginated); filter by type, severity and time' })
  @ApiOkResponse({ type: OwnSecurityEventPageDto })
  @ApiUnprocessableEntityResponse({
    description: 'Unknown type or severity, malformed date, since after until, bad paging',
  })
  async securityEvents(
    @CurrentUser() principal: Principal,
    @ValidatedQuery() q: SecurityEventQueryDto,
  ): Promise<OwnSecurityEventPageDto> {
    const page = await this.audit.securityEvents({ ...toFilter(q), userId: principal.user.id });
    const items = page.items.map(asSeenByOwner);
    return { ...page, items, events: items };
  }

  @Get('admin/security-events')
  @RequireScope('admin')
  @Roles(Role.Admin)
  @ApiOperation({
    summary: 'Admin: every security event, newest first (paginated); filter by type, severity, user and time',
  })
  @ApiOkResponse({ type: AdminSecurityEventPageDto })
  @ApiForbiddenResponse({ description: 'Not an admin' })
  @ApiUnprocessableEntityResponse({
    description: 'Unknown type or severity, malformed user_id or date, since after until, bad paging',
  })
  async adminSecurityEvents(@ValidatedQuery() q: AdminSecurityEventQueryDto): Promise<AdminSecurityEventPageDto> {
    const { items, ...page } = await this.audit.securityEvents({ ...toFilter(q), userId: q.user_id });
    return { events: items, ...page };
  }
}
