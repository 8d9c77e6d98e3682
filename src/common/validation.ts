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

/**
 * The application's one validation pipe, registered globally (createApp): every `@Body()` and `@Query()` typed with a
 * DTO class is validated, so a route cannot forget it. Stateless, so one instance serves every parameter.
 */
export const VALIDATION_PIPE = createValidationPipe();

/** `@Body()`: validated against its DTO class by the global pipe (a name that says so at the parameter). */
export const ValidatedBody = () => Body();

/** `@Query()` (or one query field): validated against its DTO class by the global pipe. */
export const ValidatedQuery = (property?: string) => (property === undefined ? Query() : Query(property));
