import { Injectable, type PipeTransform } from '@nestjs/common';
import { notFound } from './scim.errors.js';

/** No SCIM attribute or id Keystream keeps holds one (the schema refuses them); PostgreSQL cannot even compare a NUL. */
export const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/**
 * A resource id from the path: one with a control character names nothing Keystream issued (ids are
 * UUIDs, the group's a fixed name), so it is 404 before any store is asked, never a store error.
 */
@Injectable()
export class ScimIdPipe implements PipeTransform<string, string> {
  transform(id: string): string {
    if (CONTROL_CHARACTER.test(id)) throw notFound('Resource');
    return id;
  }
}
