import { Forbidden } from './errors.js';
import type { Role } from '../schemas/user.js';

/**
 * What each role may change. Everyone signed in may read. researchers code (documents, codes,
 * segments, sets); leads read analyses and comment (memos); product owners edit form schemas and
 * comment; admins manage users and projects and may do everything.
 */
export type Permission = 'code' | 'comment' | 'edit-forms' | 'manage-users' | 'manage-projects';

const GRANTS: Record<Role, readonly Permission[]> = {
  admin: ['code', 'comment', 'edit-forms', 'manage-users', 'manage-projects'],
  researcher: ['code', 'comment'],
  lead: ['comment'],
  'product-owner': ['comment', 'edit-forms'],
};

export function can(role: Role, permission: Permission): boolean {
  return GRANTS[role].includes(permission);
}

export function demand(role: Role, permission: Permission): void {
  if (!can(role, permission)) throw new Forbidden(`the role "${role}" may not ${permission.replace('-', ' ')}`);
}
