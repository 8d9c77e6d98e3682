import { JobStatus, JobTask } from './jobs.enums';

/** Which status a job may move to from each status; completed and failed are final. */
export const JOB_TRANSITIONS: Readonly<Record<JobStatus, readonly JobStatus[]>> = {
  [JobStatus.Pending]: [JobStatus.Processing, JobStatus.Completed, JobStatus.Failed],
  [JobStatus.Processing]: [JobStatus.Completed, JobStatus.Failed],
  [JobStatus.Completed]: [],
  [JobStatus.Failed]: [],
};

export const canTransition = (from: JobStatus, to: JobStatus): boolean => JOB_TRANSITIONS[from].includes(to);

/** The statuses a job may be in for a move to `to` (the `status IN (...)` of the conditional UPDATE). */
export const allowedSources = (to: JobStatus): JobStatus[] =>
  (Object.keys(JOB_TRANSITIONS) as JobStatus[]).filter((from) => canTransition(from, to));

export const isFinal = (status: JobStatus): boolean => JOB_TRANSITIONS[status].length === 0;

/** The users.* usage counter a completed job of this task adds one to. */
export const USAGE_COUNTER: Readonly<Record<JobTask, 'usageTranscriptions' | 'usageTranslations' | 'usageTts'>> = {
  [JobTask.Transcribe]: 'usageTranscriptions',
  [JobTask.Translate]: 'usageTranslations',
  [JobTask.Tts]: 'usageTts',
};
