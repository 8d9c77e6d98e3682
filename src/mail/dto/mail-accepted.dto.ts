import { ApiProperty } from '@nestjs/swagger';

/** The one body of every accepted link request, whether or not a mail was sent. */
export class MailAcceptedDto {
  @ApiProperty({
    example: 'If the address belongs to an account that may receive it, a mail with a link is on its way.',
  })
  detail: string;
}
