import { ApiProperty } from '@nestjs/swagger';

export class ServiceKeyResponseDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'openai' })
  service: string;

  @ApiProperty({ type: String, nullable: true, example: 'My OpenAI key' })
  key_name: string | null;

  @ApiProperty({
    type: String,
    nullable: true,
    example: '…abcd',
    description: 'Enough to recognise the key, never to rebuild it; null if it cannot be decrypted.',
  })
  key_preview: string | null;

  @ApiProperty({ format: 'date-time' })
  created_at: string;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  last_used_at: string | null;
}

export class RevealedServiceKeyDto {
  @ApiProperty({ format: 'uuid' })
  id: string;

  @ApiProperty({ example: 'openai' })
  service: string;

  @ApiProperty({ description: 'The plaintext key.' })
  key: string;
}
