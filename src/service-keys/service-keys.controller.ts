import { Controller, Delete, Get, Header, HttpCode, HttpStatus, Param, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import { ApiAuth } from '../common/api-auth.decorator';
import { CurrentUser, RequestMeta } from '../common/decorators';
import { ParseUuidOr404Pipe } from '../common/pipes';
import { Principal, RequestMetadata } from '../common/principal';
import { ValidatedBody, ValidatedQuery } from '../common/validation';
import { CreateServiceKeyDto } from './dto/create-service-key.dto';
import { RevealedServiceKeyDto, ServiceKeyResponseDto } from './dto/service-key-response.dto';
import { ServiceKeysService } from './service-keys.service';
import { RequireScope } from '../common/scopes';

const ServiceKeyId = () => Param('id', new ParseUuidOr404Pipe('Service key'));

/**
 * The caller's encrypted third-party keys (not the personal `tk_` key), at `/api-keys/` because the clients this
 * service replaces already call that path.
 */
@ApiTags('service-keys')
@ApiAuth()
@Controller('api-keys')
export class ServiceKeysController {
  constructor(private readonly serviceKeys: ServiceKeysService) {}

  @Post()
  @RequireScope('service_keys:write')
  @HttpCode(HttpStatus.CREATED)
  @ApiOperation({ summary: 'Store a third-party service key, encrypted' })
  @ApiCreatedResponse({ type: ServiceKeyResponseDto })
  create(
    @CurrentUser() principal: Principal,
    @ValidatedBody() dto: CreateServiceKeyDto,
    @RequestMeta() meta: RequestMetadata,
  ): Promise<ServiceKeyResponseDto> {
    return this.serviceKeys.create(principal.user.id, dto, meta);
  }

  @Get()
  @RequireScope('service_keys:read')
  @ApiOperation({ summary: 'List your service keys, newest first' })
  @ApiQuery({
    name: 'service',
    type: String,
    required: false,
    description: 'Only keys of this service (one of SERVICE_KEY_SERVICES)',
  })
  @ApiOkResponse({ type: ServiceKeyResponseDto, isArray: true })
  list(
    @CurrentUser() principal: Principal,
    @ValidatedQuery('service') service?: unknown,
  ): Promise<ServiceKeyResponseDto[]> {
    return this.serviceKeys.list(principal.user.id, service);
  }

  @Get(':id')
  @RequireScope('service_keys:read')
  @ApiOperation({ summary: 'One of your service keys (without the key itself)' })
  @ApiOkResponse({ type: ServiceKeyResponseDto })
  get(@CurrentUser() principal: Principal, @ServiceKeyId() id: string): Promise<ServiceKeyResponseDto> {
    return this.serviceKeys.get(principal.user.id, id);
  }

  @Delete(':id')
  @RequireScope('service_keys:write')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete one of your service keys' })
  @ApiNoContentResponse()
  remove(
    @CurrentUser() principal: Principal,
    @ServiceKeyId() id: string,
    @RequestMeta() meta: RequestMetadata,
  ): Promise<void> {
    return this.serviceKeys.remove(principal.user.id, id, meta);
  }

  @Post(':id/reveal')
  @RequireScope('service_keys:read')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: 'Decrypt one of your service keys (audited; marks it used)' })
  @ApiOkResponse({ type: RevealedServiceKeyDto })
  reveal(
    @CurrentUser() principal: Principal,
    @ServiceKeyId() id: string,
    @RequestMeta() meta: RequestMetadata,
  ): Promise<RevealedServiceKeyDto> {
    return this.serviceKeys.reveal(principal.user.id, id, meta);
  }
}
