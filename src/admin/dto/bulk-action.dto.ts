import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsEnum,
  IsNotEmpty,
  IsString,
  IsUUID,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { BulkAction } from '../admin.enums';
import { trim } from './validators';

export const MAX_BULK_IDS = 100;
const lowerIds = ({ value }: { value: unknown }) =>
  Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v.toLowerCase() : v)) : value;

export class BulkActionDto {
  @IsEnum(BulkAction)
  action: BulkAction;

  /** 1–100 distinct user ids; each is processed under the rules of the single-user route. */
  @Transform(lowerIds)
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_IDS)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  user_ids: string[];

  /** Optional; kept with a suspension and in the audit trail when given. */
  @ValidateIf((o: BulkActionDto) => o.reason !== undefined)
  @Transform(trim)
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  reason?: string;
}
