import { Inject, Injectable } from '@nestjs/common';
import { lookup } from 'node:dns/promises';
import { randomUUID } from 'node:crypto';
import { isIP } from 'node:net';
import { DataSource, Repository } from 'typeorm';
import { Clock } from '../common/clock';
import { AppError, ErrorCode } from '../common/errors';
import { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { toDbTime } from '../database/columns';
import { MultiFernet } from '../service-keys/fernet';
import { classifyAddress, urlProblem } from './address-policy';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { ListDeliveriesQueryDto } from './dto/list-deliveries-query.dto';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import {
  CreatedWebhookEndpointDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookEndpointDto,
} from './dto/webhook-response.dto';
import { WebhookAttempt } from './entities/webhook-attempt.entity';
import { WebhookDelivery } from './entities/webhook-delivery.entity';
import { WebhookEndpoint } from './entities/webhook-endpoint.entity';
import { WebhookDispatcher } from './webhook-dispatcher';
import { deliveryRow, webhookBody } from './webhook-outbox';
import { generateSecret } from './webhook-signer';
import { toDeliveryOut, toEndpointOut } from './webhooks.mapper';
import { DeliveryStatus, TEST_EVENT } from './webhooks.enums';

/** How long the secret before a rotation keeps signing. */
export const ROTATION_OVERLAP_MS = 24 * 60 * 60_000;

/** Registration does not wait longer than this for DNS. */
const DNS_CHECK_MS = 2000;

/** The admin API's rules for endpoints and their deliveries. */
@Injectable()
export class WebhooksService {
  private readonly endpoints: Repository<WebhookEndpoint>;
  private readonly deliveries: Repository<WebhookDelivery>;
  private readonly attempts: Repository<WebhookAttempt>;
  private readonly postgres: boolean;

  constructor(
    dataSource: DataSource,
    private readonly cipher: MultiFernet,
    private readonly dispatcher: WebhookDispatcher,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.endpoints = dataSource.getRepository(WebhookEndpoint);
    this.deliveries = dataSource.getRepository(WebhookDelivery);
    this.attempts = dataSource.getRepository(WebhookAttempt);
    this.postgres = dataSource.options.type === 'postgres';
  }

  async create(actorId: string, dto: CreateWebhookDto): Promise<CreatedWebhookEndpointDto> {
    await this.checkUrl(dto.url);
    const secret = generateSecret();
    const now = this.clock.date();
    const endpoint = this.endpoints.create({
      id: randomUUID(),
      url: dto.url,
      description: dto.description || null,
      events: [...dto.events],
      secretEncrypted: this.cipher.encrypt(secret),
      previousSecretEncrypted: null,
      previousSecretExpiresAt: null,
      enabled: true,
      disabledReason: null,
      disabledAt: null,
      lastSuccessAt: null,
      createdBy: actorId,
      createdAt: now,
      updatedAt: now,
    });
    await this.endpoints.insert(endpoint);
    return { ...this.toOut(await this.find(endpoint.id)), secret };
  }

  async list(): Promise<WebhookEndpointDto[]> {
    const rows = await this.endpoints.find({ order: { createdAt: 'DESC', id: 'ASC' } });
    return rows.map((e) => this.toOut(e));
  }

  async get(id: string): Promise<WebhookEndpointDto> {
    return this.toOut(await this.find(id));
  }

  async update(id: string, dto: UpdateWebhookDto): Promise<WebhookEndpointDto> {
    await this.find(id);
    if (dto.url !== undefined) await this.checkUrl(dto.url);
    const changes: Partial<WebhookEndpoint> = {};
    if (dto.url !== undefined) changes.url = dto.url;
    if (dto.events !== undefined) changes.events = [...dto.events];
    if (dto.description !== undefined) changes.description = dto.description || null;
    if (dto.enabled === true) Object.assign(changes, { enabled: true, disabledReason: null, disabledAt: null });
    if (dto.enabled === false)
      Object.assign(changes, { enabled: false, disabledReason: 'Disabled by an admin', disabledAt: this.clock.date() });
    if (Object.keys(changes).length) {
      const res = await this.endpoints.update({ id }, changes);
      if (!res.affected) throw AppError.notFound('Webhook endpoint');
    }
    if (dto.enabled === true) this.dispatcher.kick(); // deliveries that waited for it
    return this.get(id);
  }

  async remove(id: string): Promise<void> {
    const res = await this.endpoints.delete({ id });
    if (!res.affected) throw AppError.notFound('Webhook endpoint');
  }

  /** A new secret (shown once); the current one keeps signing beside it for ROTATION_OVERLAP_MS. */
  async rotateSecret(id: string): Promise<CreatedWebhookEndpointDto> {
    const current = await this.find(id);
    const secret = generateSecret();
    const expires = new Date(this.clock.now() + ROTATION_OVERLAP_MS);
    // Conditional on the secret read, so two rotations at once cannot both keep "the previous" one.
    const res = await this.endpoints
      .createQueryBuilder()
      .update(WebhookEndpoint)
      .set({
        secretEncrypted: this.cipher.encrypt(secret),
        previousSecretEncrypted: current.secretEncrypted,
        previousSecretExpiresAt: expires,
      })
      .where('id = :id AND secret_encrypted = :old', { id, old: current.secretEncrypted })
      .execute();
    if (!res.affected) throw new AppError(ErrorCode.Conflict, 'The secret was rotated at the same time; try again');
    return { ...this.toOut(await this.find(id)), secret };
  }

  async listDeliveries(id: string, q: ListDeliveriesQueryDto): Promise<WebhookDeliveryPageDto> {
    await this.find(id);
    const where = { endpointId: id, ...(q.status ? { status: q.status } : {}) };
    const [rows, total] = await this.deliveries.findAndCount({
      where,
      order: { createdAt: 'DESC', id: 'ASC' },
      skip: (q.page - 1) * q.per_page,
      take: q.per_page,
    });
    const attempts = rows.length
      ? await this.attempts
          .createQueryBuilder('a')
          .where('a.delivery_id IN (:...ids)', { ids: rows.map((r) => r.id) })
          .orderBy('a.attempted_at', 'ASC')
          .getMany()
      : [];
    return {
      deliveries: rows.map((d) =>
        toDeliveryOut(
          d,
          attempts.filter((a) => a.deliveryId === d.id),
        ),
      ),
      page: q.page,
      per_page: q.per_page,
      total,
      pages: Math.ceil(total / q.per_page),
    };
  }

  /** Sends a delivery again now, with the same webhook-id (one more try beyond its schedule when it had failed). */
  async retry(id: string, deliveryId: string): Promise<WebhookDeliveryDto> {
    const endpoint = await this.find(id);
    this.assertEnabled(endpoint);
    const now = this.clock.date();
    const res = await this.deliveries
      .createQueryBuilder()
      .update(WebhookDelivery)
      .set({ status: DeliveryStatus.Pending, nextAttemptAt: now })
      .where('id = :deliveryId AND endpoint_id = :id AND (locked_until IS NULL OR locked_until < :now)', {
        deliveryId,
        id,
        now: toDbTime(now, this.postgres),
      })
      .execute();
    if (!res.affected) {
      if (!(await this.deliveries.exists({ where: { id: deliveryId, endpointId: id } })))
        throw AppError.notFound('Delivery');
      throw new AppError(ErrorCode.Conflict, 'This delivery is being sent right now');
    }
    this.dispatcher.kick();
    return this.delivery(deliveryId);
  }

  /** Queues a `webhook.test` event for this endpoint alone. */
  async test(id: string): Promise<WebhookDeliveryDto> {
    const endpoint = await this.find(id);
    this.assertEnabled(endpoint);
    const at = this.clock.date();
    const row = deliveryRow(id, TEST_EVENT, webhookBody(TEST_EVENT, at, { endpoint_id: id }), at);
    await this.deliveries.insert(row);
    this.dispatcher.kick();
    return this.delivery(row.id!);
  }

  private async delivery(id: string): Promise<WebhookDeliveryDto> {
    const d = await this.deliveries.findOneByOrFail({ id });
    const attempts = await this.attempts.find({ where: { deliveryId: id }, order: { attemptedAt: 'ASC' } });
    return toDeliveryOut(d, attempts);
  }

  private assertEnabled(endpoint: WebhookEndpoint): void {
    if (!endpoint.enabled)
      throw new AppError(ErrorCode.Conflict, 'This endpoint is disabled; enable it (PATCH enabled: true) first');
  }

  private async find(id: string): Promise<WebhookEndpoint> {
    const e = await this.endpoints.findOneBy({ id });
    if (!e) throw AppError.notFound('Webhook endpoint');
    return e;
  }

  /** 422 unless http(s); with the address rule on, also when the name now resolves to a non-public address. */
  private async checkUrl(url: string): Promise<void> {
    const blockPrivate = !this.config.webhooks.allowPrivate;
    const problem = urlProblem(url, blockPrivate);
    if (problem) throw AppError.validation([{ field: 'url', message: problem }]);
    if (!blockPrivate) return;
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    if (isIP(host)) return;
    // A name that does not resolve yet is accepted; every delivery checks its addresses again.
    const addresses = await Promise.race([
      lookup(host, { all: true }).catch(() => []),
      new Promise<[]>((resolve) => setTimeout(() => resolve([]), DNS_CHECK_MS).unref()),
    ]);
    const bad = addresses.find((a) => classifyAddress(a.address) !== 'public');
    if (bad)
      throw AppError.validation([
        {
          field: 'url',
          message: `must not point to a ${classifyAddress(bad.address)} address (${host} resolves to ${bad.address})`,
        },
      ]);
  }

  private toOut(e: WebhookEndpoint): WebhookEndpointDto {
    return toEndpointOut(e, this.clock.now());
  }
}
