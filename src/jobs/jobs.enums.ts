export enum JobStatus {
  Pending = 'pending',
  Processing = 'processing',
  Completed = 'completed',
  Failed = 'failed',
}

export enum JobTask {
  Transcribe = 'transcribe',
  Translate = 'translate',
  Tts = 'tts',
}
