import { LoginHistory } from '../audit/entities/login-history.entity';
import { SecurityEvent } from '../audit/entities/security-event.entity';
import { JobStats } from '../jobs/entities/job-stats.entity';
import { TranscriptionJob } from '../jobs/entities/transcription-job.entity';
import { ServiceKey } from '../service-keys/entities/service-key.entity';
import { RevokedToken } from '../sessions/entities/revoked-token.entity';
import { UserSession } from '../sessions/entities/user-session.entity';
import { User } from '../users/entities/user.entity';
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
  UserTotp,
  RecoveryCode,
  MfaChallenge,
  Passkey,
  WebauthnChallenge,
];
