import { applyDecorators } from '@nestjs/common';
import { ApiBearerAuth, ApiOAuth2, ApiSecurity } from '@nestjs/swagger';

/** OpenAPI: the route accepts a bearer JWT (OAuth2 password flow) or an X-API-Key. */
export const ApiAuth = () => applyDecorators(ApiOAuth2([], 'oauth2'), ApiBearerAuth('bearer'), ApiSecurity('api-key'));
