import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { STREAM_SCOPES, StreamScope } from '../scopes';

export class CreateStreamTokenDto {
  /** The speech route class the token opens. */
  @IsIn(STREAM_SCOPES as unknown as string[], { message: `must be one of: ${STREAM_SCOPES.join(', ')}` })
  scope: StreamScope;

  /** Lifetime in seconds (1–600, default 60). */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(600)
  ttl_seconds?: number;
}
