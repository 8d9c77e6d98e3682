import { Injectable, PipeTransform } from '@nestjs/common';
import { AppError } from './errors';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (v: unknown): v is string => typeof v === 'string' && UUID.test(v);

/** A path id that is not a well-formed UUID names no resource: 404. */
@Injectable()
export class ParseUuidOr404Pipe implements PipeTransform<string, string> {
  constructor(private readonly what = 'Resource') {}

  transform(value: string): string {
    if (!isUuid(value)) throw AppError.notFound(this.what);
    return value.toLowerCase();
  }
}
