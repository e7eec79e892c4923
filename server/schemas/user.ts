import { z } from 'zod';
import { IdSchema, TimestampSchema, VersionSchema } from './common.js';

/**
 * researcher: codes; lead: reads analyses and comments (memos); product-owner: edits form schemas
 * (and comments); admin: everything, including users and projects.
 */
export const ROLES = ['admin', 'researcher', 'lead', 'product-owner'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

export const LoginNameSchema = z
  .string()
  .trim()
  .min(2)
  .max(64)
  .regex(/^[a-zA-Z0-9._-]+$/, 'login names use letters, digits, ".", "_" and "-"');

export const PasswordSchema = z.string().min(8, 'passwords have at least 8 characters').max(1024);

export const UserSchema = z.object({
  id: IdSchema,
  login: LoginNameSchema,
  displayName: z.string().trim().min(1).max(200),
  role: RoleSchema,
  /** scrypt$N$r$p$salt$hash (base64); never leaves the server. */
  passwordHash: z.string().min(1).max(1000),
  created: TimestampSchema,
  version: VersionSchema,
});
export type User = z.infer<typeof UserSchema>;

/** A user as the API and exports show it: without the password hash. */
export const PublicUserSchema = UserSchema.omit({ passwordHash: true });
export type PublicUser = z.infer<typeof PublicUserSchema>;

export const NewUserSchema = z.object({
  login: LoginNameSchema,
  displayName: z.string().trim().min(1).max(200).optional(),
  role: RoleSchema,
  password: PasswordSchema,
});
export type NewUser = z.infer<typeof NewUserSchema>;

export const UserPatchSchema = z.object({
  displayName: z.string().trim().min(1).max(200).optional(),
  role: RoleSchema.optional(),
  password: PasswordSchema.optional(),
  /** Required when users change their own password (a stolen session alone cannot take the account). */
  currentPassword: z.string().max(1024).optional(),
  version: VersionSchema,
});
export type UserPatch = z.infer<typeof UserPatchSchema>;

export const LoginSchema = z.object({ login: z.string().max(64), password: z.string().max(1024) });
