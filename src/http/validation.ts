import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { FieldValidationError, type FieldError } from './problem-details.js';

/** Flattens class-validator's error tree into dotted field paths (`sources.0.adapter`). */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const error of errors) {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) out.push({ field, message });
    if (error.children?.length) out.push(...flattenValidationErrors(error.children, field));
  }
  return out;
}

/** The one global pipe: unknown fields are errors, payloads become typed DTO instances. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) => new FieldValidationError(flattenValidationErrors(errors)),
  });
}
