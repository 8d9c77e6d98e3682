import { Controller, Delete, Get, HttpCode, HttpStatus, Param, Patch, Post, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiAuth } from '../common/api-auth.decorator';
import { CurrentUser, Roles } from '../common/decorators';
import { ParseUuidOr404Pipe } from '../common/pipes';
import { Principal } from '../common/principal';
import { ValidatedBody, ValidatedQuery } from '../common/validation';
import { Role } from '../users/users.enums';
import { CreateWebhookDto } from './dto/create-webhook.dto';
import { ListDeliveriesQueryDto } from './dto/list-deliveries-query.dto';
import { UpdateWebhookDto } from './dto/update-webhook.dto';
import {
  CreatedWebhookEndpointDto,
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookEndpointDto,
} from './dto/webhook-response.dto';
import { WebhooksService } from './webhooks.service';
import { RequireScope } from '../common/scopes';

const EndpointId = () => Param('id', new ParseUuidOr404Pipe('Webhook endpoint'));
const DeliveryId = () => Param('did', new ParseUuidOr404Pipe('Delivery'));
const noStore = (reply: FastifyReply) => reply.header('cache-control', 'no-store').header('pragma', 'no-cache');

/** Outbound webhooks: endpoints, their signing secrets and their deliveries. Admins only. */
@ApiTags('admin', 'webhooks')
@ApiAuth()
@Roles(Role.Admin)
@RequireScope('admin')
@Controller('auth/admin/webhooks')
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Post()
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Register an endpoint; returns its signing secret (whsec_…), shown this once' })
  @ApiCreatedResponse({ type: CreatedWebhookEndpointDto })
  async create(
    @CurrentUser() p: Principal,
    @ValidatedBody() dto: CreateWebhookDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedWebhookEndpointDto> {
    const created = await this.webhooks.create(p.user.id, dto);
    noStore(reply);
    return created;
  }

  @Get()
  @ApiOperation({ summary: 'Every endpoint, newest first (never a secret)' })
  @ApiOkResponse({ type: WebhookEndpointDto, isArray: true })
  list(): Promise<WebhookEndpointDto[]> {
    return this.webhooks.list();
  }

  @Get(':id')
  @ApiOperation({ summary: 'One endpoint' })
  @ApiOkResponse({ type: WebhookEndpointDto })
  get(@EndpointId() id: string): Promise<WebhookEndpointDto> {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change URL, events, description; enabled: true re-enables a disabled endpoint' })
  @ApiOkResponse({ type: WebhookEndpointDto })
  update(@EndpointId() id: string, @ValidatedBody() dto: UpdateWebhookDto): Promise<WebhookEndpointDto> {
    return this.webhooks.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an endpoint and its deliveries' })
  @ApiNoContentResponse()
  async remove(@EndpointId() id: string): Promise<void> {
    await this.webhooks.remove(id);
  }

  @Post(':id/rotate-secret')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'A new secret (shown once); the old one also signs for 24 h (two v1 signatures)' })
  @ApiOkResponse({ type: CreatedWebhookEndpointDto })
  async rotateSecret(
    @EndpointId() id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CreatedWebhookEndpointDto> {
    const rotated = await this.webhooks.rotateSecret(id);
    noStore(reply);
    return rotated;
  }

  @Get(':id/deliveries')
  @ApiOperation({ summary: "The endpoint's deliveries, newest first, with every try, status and response code" })
  @ApiOkResponse({ type: WebhookDeliveryPageDto })
  deliveries(@EndpointId() id: string, @ValidatedQuery() q: ListDeliveriesQueryDto): Promise<WebhookDeliveryPageDto> {
    return this.webhooks.listDeliveries(id, q);
  }

  @Post(':id/deliveries/:did/retry')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Send a delivery again now, with the same webhook-id' })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto })
  retry(@EndpointId() id: string, @DeliveryId() did: string): Promise<WebhookDeliveryDto> {
    return this.webhooks.retry(id, did);
  }

  @Post(':id/test')
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiOperation({ summary: 'Queue a webhook.test event for this endpoint' })
  @ApiAcceptedResponse({ type: WebhookDeliveryDto })
  test(@EndpointId() id: string): Promise<WebhookDeliveryDto> {
    return this.webhooks.test(id);
  }
}
