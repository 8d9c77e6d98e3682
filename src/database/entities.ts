import { LoginHistory } from '../audit/entities/login-history.entity';
import { SecurityEvent } from '../audit/entities/security-event.entity';
import { JobStats } from '../jobs/entities/job-stats.entity';
import { TranscriptionJob } from '../jobs/entities/transcription-job.entity';
import { PersonalKey } from '../personal-keys/entities/personal-key.entity';
import { ServiceKey } from '../service-keys/entities/service-key.entity';
import { RevokedToken } from '../sessions/entities/revoked-token.entity';
import { UserSession } from '../sessions/entities/user-session.entity';
import { User } from '../users/entities/user.entity';

export const ENTITIES = [
  User,
  UserSession,
  RevokedToken,
  LoginHistory,
  SecurityEvent,
  ServiceKey,
  TranscriptionJob,
  JobStats,
  PersonalKey,
];
