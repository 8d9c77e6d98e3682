import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEnum, IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Role } from '../../users/users.enums';
import { UserSort, UserStatus } from '../admin.enums';
import { PageQueryDto } from '../../common/page-query.dto';
import { trim } from './validators';

export class ListUsersQueryDto extends PageQueryDto {
  /** Case-insensitive substring of the email, username or full name (`%` and `_` match literally). */
  @IsOptional()
  @Transform(trim)
  @IsString()
  @MaxLength(100)
  search?: string;

  @IsOptional()
  @IsEnum(Role)
  role?: Role;

  /** active = can sign in (active, not suspended, not locked). */
  @IsOptional()
  @IsEnum(UserStatus)
  status?: UserStatus;

  /** enabled = has a confirmed TOTP or a passkey. */
  @IsOptional()
  @IsIn(['enabled', 'disabled'])
  mfa?: 'enabled' | 'disabled';

  /** A field name, `-` for descending. */
  @ApiPropertyOptional({ enum: UserSort })
  @IsOptional()
  @IsEnum(UserSort)
  sort: UserSort = UserSort.CreatedDesc;
}
