import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module';
import { AuthModule } from '../auth/auth.module';
import { AdminQueryService } from './admin-query.service';
import { AdminStatsController } from './admin-stats.controller';
import { AdminUsersController } from './admin-users.controller';
import { AdminUsersService } from './admin-users.service';

/** The admin API under /auth/admin (the dashboard's page itself is registered by admin-ui.ts). */
@Module({
  imports: [AuthModule, AuditModule],
  controllers: [AdminUsersController, AdminStatsController],
  providers: [AdminUsersService, AdminQueryService],
})
export class AdminModule {}
