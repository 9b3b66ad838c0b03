import { BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';

function first(errors: ValidationError[], prefix = ''): { field: string; message: string } | undefined {
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) return { field, message: Object.values(e.constraints)[0] };
    const inner = first(e.children ?? [], field);
    if (inner) return inner;
  }
  return undefined;
}

/** class-validator on every body; a failure is one 400 naming the first field at fault. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidUnknownValues: false,
    exceptionFactory: (errors) => {
      const problem = first(errors) ?? { field: undefined, message: 'invalid request' };
      return new BadRequestException(problem);
    },
  });
}
