import { Module } from '@nestjs/common';
import { AuditController } from './audit.controller';
import { AuditListener } from './audit.listener';
import { AuditQueryService } from './audit-query.service';
import { SecurityEventWriter } from './security-event-writer.service';
import { SuspiciousLoginService } from './suspicious-login.service';

/** Security events and login history: written from domain events, read through AuditQueryService. */
@Module({
  controllers: [AuditController],
  providers: [SecurityEventWriter, SuspiciousLoginService, AuditListener, AuditQueryService],
  exports: [AuditQueryService, SecurityEventWriter],
})
export class AuditModule {}
