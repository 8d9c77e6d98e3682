import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { CreatedAtColumn, TimestampColumn, UpdatedAtColumn } from '../../database/columns';
import { User } from '../../users/entities/user.entity';
import { JobStatus, JobTask } from '../jobs.enums';

/** A speech job (transcription, translation, speech synthesis) and its result. */
@Entity('transcription_jobs')
@Index('uq_transcription_jobs_user_id_job_id', ['userId', 'jobId'], { unique: true })
@Index('ix_transcription_jobs_user_id_created_at', ['userId', 'createdAt'])
@Index('ix_transcription_jobs_user_id_status', ['userId', 'status'])
export class TranscriptionJob {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'job_id', type: 'uuid' })
  jobId: string;

  @Column({ name: 'user_id', type: 'uuid' })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_transcription_jobs_user_id' })
  user?: User;

  @Column({ type: 'varchar', length: 255 })
  filename: string;

  @Column({ type: 'simple-enum', enum: JobStatus, enumName: 'job_status', default: JobStatus.Pending })
  status: JobStatus;

  @Column({ type: 'simple-enum', enum: JobTask, enumName: 'job_task', default: JobTask.Transcribe })
  task: JobTask;

  @Column({ name: 'detected_language', type: 'varchar', length: 16, nullable: true })
  detectedLanguage: string | null;

  @Column({ name: 'translated_to', type: 'varchar', length: 16, nullable: true })
  translatedTo: string | null;

  @Column({ name: 'with_diarization', type: 'boolean', default: false })
  withDiarization: boolean;

  @CreatedAtColumn()
  createdAt: Date;

  @UpdatedAtColumn()
  updatedAt: Date;

  @TimestampColumn({ name: 'started_at', nullable: true })
  startedAt: Date | null;

  @TimestampColumn({ name: 'completed_at', nullable: true })
  completedAt: Date | null;

  // Large values last: SQLite walks a value's overflow pages to reach the columns after it (migration 1795390718849).
  @Column({ type: 'text', nullable: true })
  transcript: string | null;

  @Column({ type: 'text', nullable: true })
  error: string | null;
}
