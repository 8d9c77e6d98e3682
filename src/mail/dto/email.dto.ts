import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import { EMAIL_PATTERN } from '../../users/users.service';

export class EmailTokenDto {
  /** The token of the link the mail carried. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  token: string;
}

export class PasswordResetRequestDto {
  /** The account's email address. */
  @IsString()
  @MaxLength(254)
  @Matches(EMAIL_PATTERN, { message: 'must be a valid email address' })
  email: string;
}

export class PasswordResetConfirmDto {
  /** The token of the link the mail carried. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(256)
  token: string;

  /** 8–128 characters; not common, not the username/email. */
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  new_password: string;
}
