import { LoginHistory } from '../audit/entities/login-history.entity';
import { SecurityEvent } from '../audit/entities/security-event.entity';
import { JobStats } from '../jobs/entities/job-stats.entity';
import { TranscriptionJob } from '../jobs/entities/transcription-job.entity';
import { EmailToken } from '../mail/entities/email-token.entity';
import { MailOutbox } from '../mail/entities/mail-outbox.entity';
import { PersonalKey } from '../personal-keys/entities/personal-key.entity';
import { ServiceKey } from '../service-keys/entities/service-key.entity';
import { RevokedToken } from '../sessions/entities/revoked-token.entity';
import { UserSession } from '../sessions/entities/user-session.entity';
import { User } from '../users/entities/user.entity';
import { SigningKey } from '../signing-keys/entities/signing-key.entity';
import { WebhookAttempt } from '../webhooks/entities/webhook-attempt.entity';
import { WebhookDelivery } from '../webhooks/entities/webhook-delivery.entity';
import { WebhookEndpoint } from '../webhooks/entities/webhook-endpoint.entity';
import { MfaChallenge } from '../mfa/entities/mfa-challenge.entity';
import { Passkey } from '../mfa/entities/passkey.entity';
import { RecoveryCode } from '../mfa/entities/recovery-code.entity';
import { UserTotp } from '../mfa/entities/user-totp.entity';
import { WebauthnChallenge } from '../mfa/entities/webauthn-challenge.entity';

export const ENTITIES = [
  User,
  UserSession,
  RevokedToken,
  LoginHistory,
  SecurityEvent,
  ServiceKey,
  TranscriptionJob,
  JobStats,
  SigningKey,
  MailOutbox,
  EmailToken,
  WebhookEndpoint,
  WebhookDelivery,
  WebhookAttempt,
  PersonalKey,
  UserTotp,
  RecoveryCode,
  MfaChallenge,
  Passkey,
  WebauthnChallenge,
];
