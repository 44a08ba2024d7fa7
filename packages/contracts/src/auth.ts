import { z } from 'zod';
import {
  currencySchema,
  emailSchema,
  localeSchema,
  nameSchema,
  passwordSchema,
  roleSchema,
  slugSchema,
  timezoneSchema,
  usernameSchema,
  uuidSchema,
} from './common.js';

export const tokenModeSchema = z
  .enum(['bearer', 'cookie'])
  .default('bearer')
  .describe('cookie: httpOnly cookies + CSRF (browsers); bearer: tokens in the body (API clients)');

export const loginRequestSchema = z
  .object({
    login: z.string().trim().min(1).max(254).describe('Email or username'),
    password: z.string().min(1, 'Password cannot be empty').max(200),
    tokenMode: tokenModeSchema,
  })
  .meta({ id: 'LoginRequest' });
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const refreshRequestSchema = z
  .object({ refreshToken: z.string().min(10).max(500).optional(), tokenMode: tokenModeSchema })
  .meta({ id: 'RefreshRequest' });

export const logoutRequestSchema = z
  .object({ refreshToken: z.string().min(10).max(500).optional() })
  .meta({ id: 'LogoutRequest' });

export const sessionUserSchema = z
  .object({
    id: uuidSchema,
    organizationId: uuidSchema.nullable(),
    role: roleSchema,
    name: z.string(),
    email: z.string().nullable(),
    username: z.string().nullable(),
    locale: localeSchema,
    lanCenterIds: z.array(uuidSchema).describe('LAN centers this staff member works at (all for managers)'),
  })
  .meta({ id: 'SessionUser' });
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const authResponseSchema = z
  .object({
    user: sessionUserSchema,
    accessToken: z.string().optional().describe('Only in bearer mode'),
    refreshToken: z.string().optional().describe('Only in bearer mode'),
    accessTokenExpiresAt: z.string(),
    csrfToken: z.string().optional().describe('Only in cookie mode; send it back as X-CSRF-Token'),
  })
  .meta({ id: 'AuthResponse' });
export type AuthResponse = z.infer<typeof authResponseSchema>;

export const signupRequestSchema = z
  .object({
    organizationName: nameSchema,
    organizationSlug: slugSchema.optional(),
    currency: currencySchema.default('PEN'),
    lanCenter: z.object({
      name: nameSchema,
      timezone: timezoneSchema.default('America/Lima'),
      address: z.string().trim().max(300).optional(),
      city: z.string().trim().max(120).optional(),
      country: z.string().trim().length(2).toUpperCase().default('PE'),
    }),
    manager: z.object({
      name: nameSchema,
      email: emailSchema,
      username: usernameSchema,
      password: passwordSchema,
    }),
    locale: localeSchema.default('es'),
    tokenMode: tokenModeSchema,
  })
  .meta({ id: 'SignupRequest' });
export type SignupRequest = z.infer<typeof signupRequestSchema>;

export const signupResponseSchema = z
  .object({
    organization: z.object({ id: uuidSchema, name: z.string(), slug: z.string(), currency: currencySchema }),
    lanCenter: z.object({ id: uuidSchema, name: z.string(), timezone: z.string() }),
    auth: authResponseSchema,
  })
  .meta({ id: 'SignupResponse' });
