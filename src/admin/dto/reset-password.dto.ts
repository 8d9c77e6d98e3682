import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { IsOptionalNotNull } from './validators';

export class ResetPasswordDto {
  /** Optional: when absent a strong password is generated and returned once. Must pass the password policy. */
  @IsOptionalNotNull()
  @IsString()
  @IsNotEmpty()
  @MaxLength(1024)
  new_password?: string;
}
