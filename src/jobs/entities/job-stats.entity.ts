import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';
import { JobStatus, JobTask } from '../jobs.enums';

const primaryKeyConstraintName = 'pk_job_stats';

/**
 * Running totals of one user's jobs per (status, task, detected language), written by JobsRepository in the
 * transaction of every job write: the stats and the list's total read these few rows instead of aggregating all
 * of the user's jobs (issue #14). A group may fall to 0 jobs; readers skip it.
 */
@Entity('job_stats')
export class JobStats {
  @PrimaryColumn({ name: 'user_id', type: 'uuid', primaryKeyConstraintName })
  userId: string;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_job_stats_user_id' })
  user?: User;

  @PrimaryColumn({ type: 'simple-enum', enum: JobStatus, enumName: 'job_status', primaryKeyConstraintName })
  status: JobStatus;

  @PrimaryColumn({ type: 'simple-enum', enum: JobTask, enumName: 'job_task', primaryKeyConstraintName })
  task: JobTask;

  /** The jobs' detected_language, '' for none (a key column cannot be NULL; a language code is never empty). */
  @PrimaryColumn({ type: 'varchar', length: 16, primaryKeyConstraintName })
  language: string;

  @Column({ type: 'integer' })
  jobs: number;

  /** Seconds from created_at to completed_at, summed over the group's jobs that have a completed_at… */
  @Column({ name: 'duration_sum', type: 'double precision' })
  durationSum: number;

  /** …and how many those are. */
  @Column({ type: 'integer' })
  durations: number;
}
