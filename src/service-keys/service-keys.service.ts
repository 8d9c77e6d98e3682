import { Inject, Injectable } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import { DataSource, Repository } from 'typeorm';
import { SECURITY_EVENT, SecurityEventType } from '../audit/audit.events';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { RequestMetadata } from '../common/principal';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { CreateServiceKeyDto } from './dto/create-service-key.dto';
import { RevealedServiceKeyDto, ServiceKeyResponseDto } from './dto/service-key-response.dto';
import { ServiceKey } from './entities/service-key.entity';
import { InvalidToken, MultiFernet } from './fernet';
import { keyPreview, toServiceKeyResponse } from './service-key.mapper';

@Injectable()
export class ServiceKeysService {
  private readonly repo: Repository<ServiceKey>;

  constructor(
    dataSource: DataSource,
    private readonly cipher: MultiFernet,
    private readonly events: EventEmitter2,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.repo = dataSource.getRepository(ServiceKey);
  }

  async create(
    userId: string,
    dto: CreateServiceKeyDto,
    meta: Partial<RequestMetadata>,
  ): Promise<ServiceKeyResponseDto> {
    const service = this.checkService(dto.service);
    const plaintext = (dto.key ?? dto.api_key) as string; // the DTO guarantees one of them
    const saved = await this.repo.save(
      this.repo.create({
        userId,
        service,
        encryptedKey: this.cipher.encrypt(plaintext),
        keyName: dto.key_name || null,
        keyPreview: keyPreview(plaintext),
        createdAt: this.clock.date(),
        lastUsedAt: null,
      }),
    );
    this.audit(SecurityEventType.ServiceKeyCreated, saved, meta);
    return toServiceKeyResponse(saved);
  }

  /** The caller's keys, newest first, optionally of one service (`?service=` with nothing means all). */
  async list(userId: string, service?: unknown): Promise<ServiceKeyResponseDto[]> {
    const where =
      service === undefined || service === '' ? { userId } : { userId, service: this.checkService(service) };
    const rows = await this.repo.find({ where, order: { createdAt: 'DESC', id: 'DESC' } });
    return rows.map((row) => this.toResponse(row));
  }

  async get(userId: string, id: string): Promise<ServiceKeyResponseDto> {
    return this.toResponse(await this.findOwned(userId, id));
  }

  async remove(userId: string, id: string, meta: Partial<RequestMetadata>): Promise<void> {
    const row = await this.findOwned(userId, id);
    const { affected } = await this.repo.delete({ id: row.id, userId });
    if (!affected) throw AppError.notFound('Service key'); // deleted concurrently
    this.audit(SecurityEventType.ServiceKeyDeleted, row, meta);
  }

  /** The plaintext, for its owner only; marks the key used and records a security event. */
  async reveal(userId: string, id: string, meta: Partial<RequestMetadata>): Promise<RevealedServiceKeyDto> {
    const row = await this.findOwned(userId, id);
    const key = this.decrypt(row);
    if (key === undefined)
      throw new AppError(
        ErrorCode.Internal,
        'This service key cannot be decrypted with the configured ENCRYPTION_KEY; the operator must add the key it was stored with',
      );
    await this.repo.update({ id: row.id, userId }, { lastUsedAt: this.clock.date() });
    this.audit(SecurityEventType.ServiceKeyRevealed, row, meta);
    return { id: row.id, service: row.service, key };
  }

  private async findOwned(userId: string, id: string): Promise<ServiceKey> {
    // Someone else's key is answered exactly like a missing one.
    const row = await this.repo.findOneBy({ id, userId });
    if (!row) throw AppError.notFound('Service key');
    return row;
  }

  private checkService(value: unknown): string {
    const service = typeof value === 'string' ? value.trim().toLowerCase() : '';
    if (this.config.serviceKeyServices.includes(service)) return service;
    const allowed = this.config.serviceKeyServices.join(', ');
    throw AppError.validation(
      [{ field: 'service', message: `must be one of: ${allowed}` }],
      `Invalid service. Must be one of: ${allowed}`,
    );
  }

  private decrypt(row: ServiceKey): string | undefined {
    try {
      return this.cipher.decrypt(row.encryptedKey).toString('utf8');
    } catch (err) {
      if (err instanceof InvalidToken) return undefined;
      throw err;
    }
  }

  private toResponse(row: ServiceKey): ServiceKeyResponseDto {
    if (row.keyPreview !== null) return toServiceKeyResponse(row);
    // Rows imported from the earlier service's database carry no preview.
    const plaintext = this.decrypt(row);
    return toServiceKeyResponse(row, plaintext === undefined ? null : keyPreview(plaintext));
  }

  private audit(type: SecurityEventType, row: ServiceKey, meta: Partial<RequestMetadata>): void {
    this.events.emit(SECURITY_EVENT, {
      type,
      userId: row.userId,
      meta,
      details: { service_key_id: row.id, service: row.service },
    });
  }
}
