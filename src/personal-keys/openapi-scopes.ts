import type { OpenAPIObject } from '@nestjs/swagger';
import { ROLE_SCOPES, Scope } from '../common/scopes';
import { Role } from '../users/users.enums';

export const SCOPE_DESCRIPTIONS: Readonly<Record<Scope, string>> = {
  'profile:read': 'Read your profile, login history and security events',
  'profile:write': 'Change your profile (an email change needs every scope)',
  'jobs:read': 'Read your jobs and their stats',
  'jobs:write': 'Create, update and delete your jobs',
  'service_keys:read': 'List and reveal your stored service keys',
  'service_keys:write': 'Store and delete service keys',
  transcribe: 'Call the transcription apps through the gate',
  translate: 'Call the translation apps through the gate',
  tts: 'Call the text-to-speech apps through the gate',
  admin: 'Administration (administrators only)',
  introspect: 'Token introspection (administrators only)',
};

type Operation = { security?: Record<string, string[]>[]; 'x-required-scopes'?: string[]; description?: string };

/**
 * The scopes in the document: listed in the OAuth2 scheme, and on each operation its required scope on the OAuth2
 * and API-key requirements (`x-required-scopes: ["*"]`: every scope, i.e. a JWT or a key with every scope).
 */
export function scopesInOpenApi(document: OpenAPIObject): void {
  const oauth = document.components?.securitySchemes?.oauth2 as { flows?: { password?: { scopes?: object } } };
  if (oauth?.flows?.password) oauth.flows.password.scopes = { ...SCOPE_DESCRIPTIONS };
  for (const item of Object.values(document.paths ?? {}))
    for (const op of Object.values(item as Record<string, Operation>)) {
      const required = op?.['x-required-scopes'];
      if (!required || !op.security) continue;
      const scopes = required[0] === '*' ? [...ROLE_SCOPES[Role.User]] : required;
      op.security = op.security.map((req) =>
        Object.fromEntries(Object.entries(req).map(([name, s]) => [name, name === 'bearer' ? s : scopes])),
      );
      if (required[0] === '*')
        op.description = [op.description, 'API keys need every scope their owner has (or use a JWT).']
          .filter(Boolean)
          .join(' ');
    }
}
