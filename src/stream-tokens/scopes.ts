/** The scopes a stream token can carry: one speech route class each. */
export const STREAM_SCOPES = ['transcribe', 'translate', 'tts'] as const;
export type StreamScope = (typeof STREAM_SCOPES)[number];
