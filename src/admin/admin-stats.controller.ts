import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/api-auth.decorator';
import { Roles } from '../common/decorators';
import { GateService } from '../gate/gate.service';
import { QuotaService } from '../gate/quota.service';
import { Role } from '../users/users.enums';
import { AdminQueryService } from './admin-query.service';
import { AdminStatsDto } from './dto/admin-stats.dto';
import { RequireScope } from '../common/scopes';

@ApiTags('admin')
@ApiAuth()
@Roles(Role.Admin)
@RequireScope('admin')
@Controller('auth/admin/stats')
export class AdminStatsController {
  constructor(
    private readonly query: AdminQueryService,
    private readonly gate: GateService,
    private readonly quota: QuotaService,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      'Dashboard figures: users by status and role, sign-ins per day (30 UTC days), jobs, live sessions, gate traffic',
  })
  @ApiOkResponse({ type: AdminStatsDto })
  async stats(): Promise<AdminStatsDto> {
    const [figures, month] = await Promise.all([this.query.stats(), this.quota.monthTotals()]);
    // This month's forwarded traffic of every user (as flushed), and this instance's decisions since it started.
    return { ...figures, gate: { month, decisions: { ...this.gate.counters } } };
  }
}
