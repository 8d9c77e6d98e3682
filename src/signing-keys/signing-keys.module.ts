import { Module } from '@nestjs/common';
import { SigningKeyService } from './signing-key.service';
import { SigningKeysController } from './signing-keys.controller';

@Module({
  controllers: [SigningKeysController],
  providers: [SigningKeyService],
  exports: [SigningKeyService],
})
export class SigningKeysModule {}
