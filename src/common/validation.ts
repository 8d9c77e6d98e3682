import { Body, Query, ValidationError, ValidationPipe } from '@nestjs/common';
import { AppError, FieldError } from './errors';

function flatten(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      field,
      message: message.replace(/^property (\S+) should not exist$/, 'unknown field'),
    }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** whitelist + forbidNonWhitelisted + transform, rendering 422 with `errors[{field, message}]`. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      return AppError.validation(
        fields,
        fields.length === 1
          ? `${fields[0].field}: ${fields[0].message}`
          : `Validation failed for ${fields.length} field(s)`,
      );
    },
  });
}

/** Stateless, so one instance serves every parameter. */
export const VALIDATION_PIPE = createValidationPipe();

/*
 * Validation is attached to the parameters that carry client input, not registered as a global pipe: Nest runs
 * global pipes on custom parameters too (the principal, request metadata), so every authenticated request awaited a
 * chain of promises for a pipe with nothing to do (3.5–4 % of GET /auth/me). The route-permissions e2e test holds every
 * @Body() and @Query() parameter of every route to this pipe.
 */

/** `@Body()` validated against its DTO class. */
export const ValidatedBody = () => Body(VALIDATION_PIPE);

/** `@Query()` (or one query field) validated against its DTO class. */
export const ValidatedQuery = (property?: string) =>
  property === undefined ? Query(VALIDATION_PIPE) : Query(property, VALIDATION_PIPE);
