import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module';
import { EmailAdminController } from './email-admin.controller';
import { EmailController } from './email.controller';
import { EmailFlowsService } from './email-flows.service';
import { MailOutboxRepository } from './mail-outbox.repository';
import { MailOutboxWorker } from './mail-outbox.worker';
import { MailSendLimits } from './mail-send-limits';

/** Mail: the outbox and its worker (SMTP or .eml files), verification, password reset by link, notices. */
@Module({
  imports: [AuthModule],
  controllers: [EmailController, EmailAdminController],
  providers: [EmailFlowsService, MailOutboxRepository, MailOutboxWorker, MailSendLimits],
  exports: [EmailFlowsService, MailOutboxWorker],
})
export class MailModule {}
