import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** A public signing key (RFC 7517): OKP (EdDSA: crv, x), EC (ES256: crv, x, y) or RSA (RS256: n, e). */
export class JwkDto {
  @ApiProperty({ enum: ['OKP', 'EC', 'RSA'] })
  kty: string;

  @ApiProperty({ description: "The key's RFC 7638 thumbprint; tokens name it in their header" })
  kid: string;

  @ApiProperty({ enum: ['EdDSA', 'ES256', 'RS256'] })
  alg: string;

  @ApiProperty({ enum: ['sig'] })
  use: string;

  @ApiPropertyOptional({ example: 'Ed25519' })
  crv?: string;

  @ApiPropertyOptional()
  x?: string;

  @ApiPropertyOptional()
  y?: string;

  @ApiPropertyOptional()
  n?: string;

  @ApiPropertyOptional()
  e?: string;
}

export class JwksResponseDto {
  @ApiProperty({ type: JwkDto, isArray: true, description: 'Current, next, then retired keys; empty under HS*' })
  keys: JwkDto[];
}
