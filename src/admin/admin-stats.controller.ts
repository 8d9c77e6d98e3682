import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiAuth } from '../common/api-auth.decorator';
import { Roles } from '../common/decorators';
import { Role } from '../users/users.enums';
import { AdminQueryService } from './admin-query.service';
import { RequireScope } from '../personal-keys/scopes';

@ApiTags('admin')
@ApiAuth()
@Roles(Role.Admin)
@RequireScope('admin')
@Controller('auth/admin/stats')
export class AdminStatsController {
  constructor(private readonly query: AdminQueryService) {}

  @Get()
  @ApiOperation({
    summary: 'Dashboard figures: users by status and role, sign-ins per day (30 UTC days), jobs, live sessions',
  })
  stats() {
    return this.query.stats();
  }
}
