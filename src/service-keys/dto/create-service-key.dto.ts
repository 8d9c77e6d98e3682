import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsOptional,
  IsString,
  Length,
  MaxLength,
  Validate,
  ValidateIf,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
} from 'class-validator';

/** Long enough for a cloud service-account JSON, short enough to refuse junk. */
export const MAX_SERVICE_KEY_LENGTH = 8192;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);
const slug = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

@ValidatorConstraint({ name: 'notTogetherWith' })
class NotTogetherWith implements ValidatorConstraintInterface {
  validate(_: unknown, args: ValidationArguments): boolean {
    return (args.object as Record<string, unknown>)[args.constraints[0] as string] === undefined;
  }

  defaultMessage(args: ValidationArguments): string {
    return `give either ${args.constraints[0]} or ${args.property}, not both`;
  }
}

const KEY_MESSAGE = `is required: a non-empty string of at most ${MAX_SERVICE_KEY_LENGTH} characters`;

export class CreateServiceKeyDto {
  @ApiProperty({ example: 'openai', description: 'One of SERVICE_KEY_SERVICES (case-insensitive).' })
  @Transform(slug)
  @IsString()
  service: string;

  @ApiPropertyOptional({
    example: 'sk-proj-…',
    description: 'The third-party key; stored Fernet-encrypted. Required unless `api_key` is given.',
  })
  @Transform(trim)
  @ValidateIf((o: CreateServiceKeyDto) => o.key !== undefined || o.api_key === undefined)
  @Length(1, MAX_SERVICE_KEY_LENGTH, { message: `key ${KEY_MESSAGE}` })
  key?: string;

  @ApiPropertyOptional({ description: 'Alias of `key` (older clients send `api_key`).' })
  @Transform(trim)
  @ValidateIf((o: CreateServiceKeyDto) => o.api_key !== undefined)
  @Length(1, MAX_SERVICE_KEY_LENGTH, { message: `api_key ${KEY_MESSAGE}` })
  @Validate(NotTogetherWith, ['key'])
  api_key?: string;

  @ApiPropertyOptional({ example: 'My OpenAI key', maxLength: 100, nullable: true })
  @Transform(trim)
  @IsOptional()
  @IsString()
  @MaxLength(100)
  key_name?: string | null;
}
