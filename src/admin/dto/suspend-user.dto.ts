import { Transform } from 'class-transformer';
import { IsNotEmpty, IsString, MaxLength, ValidateIf } from 'class-validator';
import { trim } from './validators';

export class SuspendUserDto {
  /** Why (optional; kept with the account and in the audit trail when given). */
  @ValidateIf((o: SuspendUserDto) => o.reason !== undefined)
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason?: string;
}
