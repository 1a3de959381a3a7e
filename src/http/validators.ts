import { validateCronExpression } from 'cron';
import { registerDecorator, type ValidationOptions } from 'class-validator';

const zoneCache = new Map<string, boolean>();

/** True for any IANA zone name the runtime knows (Europe/London, Asia/Kathmandu, UTC…). */
export function isIanaTimeZone(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 64) return false;
  const cached = zoneCache.get(value);
  if (cached !== undefined) return cached;
  let ok: boolean;
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: value });
    ok = true;
  } catch {
    ok = false;
  }
  zoneCache.set(value, ok);
  return ok;
}

/** A five- or six-field cron expression (or alias such as @hourly), no more often than once a minute. */
export function cronProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return 'must be a cron expression';
  const fields = value.trim().split(/\s+/);
  if (!value.startsWith('@') && fields.length !== 5) {
    return 'must be a five-field cron expression such as "*/10 * * * *"';
  }
  const result = validateCronExpression(value);
  return result.valid
    ? undefined
    : `is not a valid cron expression (${result.error?.message ?? 'unknown error'})`;
}

export function IsIanaTimeZone(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isIanaTimeZone',
      target: object.constructor,
      propertyName,
      options: { message: `${propertyName} must be an IANA time zone such as Europe/London`, ...options },
      validator: { validate: (v: unknown) => isIanaTimeZone(v) },
    });
}

export function IsCronExpression(options?: ValidationOptions) {
  return (object: object, propertyName: string) =>
    registerDecorator({
      name: 'isCronExpression',
      target: object.constructor,
      propertyName,
      options: {
        message: (args) => `${args.property} ${cronProblem(args.value) ?? 'is invalid'}`,
        ...options,
      },
      validator: { validate: (v: unknown) => cronProblem(v) === undefined },
    });
}
