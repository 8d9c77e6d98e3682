import { JobStatus, JobTask } from './jobs.enums';
import { allowedSources, canTransition, isFinal, JOB_TRANSITIONS, USAGE_COUNTER } from './jobs.transitions';

const { Pending, Processing, Completed, Failed } = JobStatus;

describe('job status transitions', () => {
  // Every (from, to) pair, written out so a change to the table shows up here as a diff.
  const table: [JobStatus, JobStatus, boolean][] = [
    [Pending, Pending, false],
    [Pending, Processing, true],
    [Pending, Completed, true],
    [Pending, Failed, true],
    [Processing, Pending, false],
    [Processing, Processing, false],
    [Processing, Completed, true],
    [Processing, Failed, true],
    [Completed, Pending, false],
    [Completed, Processing, false],
    [Completed, Completed, false],
    [Completed, Failed, false],
    [Failed, Pending, false],
    [Failed, Processing, false],
    [Failed, Completed, false],
    [Failed, Failed, false],
  ];

  it('covers every pair of statuses', () => {
    expect(table).toHaveLength(Object.values(JobStatus).length ** 2);
    expect(Object.keys(JOB_TRANSITIONS).sort()).toEqual(Object.values(JobStatus).sort());
  });

  it.each(table)('%s → %s allowed: %s', (from, to, allowed) => {
    expect(canTransition(from, to)).toBe(allowed);
  });

  it('gives the source statuses of each target (the status IN (...) of the UPDATE)', () => {
    expect(allowedSources(Pending)).toEqual([]);
    expect(allowedSources(Processing)).toEqual([Pending]);
    expect(allowedSources(Completed).sort()).toEqual([Pending, Processing].sort());
    expect(allowedSources(Failed).sort()).toEqual([Pending, Processing].sort());
  });

  it('completed and failed are final, pending and processing are not', () => {
    expect([Pending, Processing, Completed, Failed].map(isFinal)).toEqual([false, false, true, true]);
  });

  it('maps every task to its own usage counter', () => {
    expect(USAGE_COUNTER).toEqual({
      [JobTask.Transcribe]: 'usageTranscriptions',
      [JobTask.Translate]: 'usageTranslations',
      [JobTask.Tts]: 'usageTts',
    });
  });
});
