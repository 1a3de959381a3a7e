import { SetMetadata } from '@nestjs/common';

/**
 * Who may call a route. By default reads (GET, HEAD) need `read` access and every other method `admin`.
 * - public: no key ever (health, docs, widgets)
 * - read: public unless READ_API_KEYS is set; the admin key also reads
 * - admin: the admin key
 */
export type AccessLevel = 'public' | 'read' | 'admin';
export const ACCESS_KEY = 'groundswell:access';
export const Access = (level: AccessLevel) => SetMetadata(ACCESS_KEY, level);
