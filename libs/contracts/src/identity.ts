import { z } from 'zod';
import { idSchema, paginationQuerySchema } from './common';
import { COUNTRIES, CURRENCIES } from './pinterest-enums';

/**
 * Per-ad-account roles, with Pinterest's BusinessAccessRole names. The account's
 * creator holds ADMIN (Pinterest's OWNER/ADMIN).
 */
export const AD_ACCOUNT_ROLES = ['ADMIN', 'CAMPAIGN_MANAGER', 'ANALYST', 'FINANCE_MANAGER'] as const;
export const adAccountRoleSchema = z.enum(AD_ACCOUNT_ROLES);
export type AdAccountRole = z.infer<typeof adAccountRoleSchema>;

const email = z
  .string()
  .trim()
  .max(320)
  .email('must be an email address')
  .transform((s) => s.toLowerCase());
const password = z
  .string()
  .min(10, 'must be at least 10 characters')
  .max(256, 'must be at most 256 characters');

/** An IANA time zone the runtime knows (days, months and quarters are cut in it). */
export const timezoneSchema = z
  .string()
  .max(64)
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'must be an IANA time zone such as America/New_York' },
  );

export const countrySchema = z.enum(COUNTRIES, { error: 'must be an ISO 3166-1 alpha-2 country code Pinterest supports' });
export const currencySchema = z.enum(CURRENCIES, { error: 'must be an ISO 4217 currency code Pinterest supports' });

/** POST /v5/auth/signup (Loupe extension): a user, a business and a first ad account. */
export const signupBodySchema = z
  .object({
    email,
    password,
    username: z.string().trim().min(1).max(64).optional(),
    business_name: z.string().trim().min(1).max(255),
    ad_account: z
      .object({
        name: z.string().trim().min(1).max(256),
        country: countrySchema.default('US'),
        currency: currencySchema.default('USD'),
        timezone: timezoneSchema.default('UTC'),
      })
      .strict(),
  })
  .strict();
export type SignupBody = z.infer<typeof signupBodySchema>;

/** POST /v5/auth/login (Loupe extension). */
export const loginBodySchema = z.object({ email, password: z.string().min(1).max(256) }).strict();
export type LoginBody = z.infer<typeof loginBodySchema>;

/** OAuth-style token answer, as Pinterest's /oauth/token returns it. */
export const accessTokenResponseSchema = z.object({
  access_token: z.string(),
  token_type: z.literal('bearer'),
  expires_in: z.number().int().nullable(),
  user_id: idSchema,
});
export type AccessTokenResponse = z.infer<typeof accessTokenResponseSchema>;

export const signupResponseSchema = accessTokenResponseSchema.extend({ ad_account_id: idSchema });
export type SignupResponse = z.infer<typeof signupResponseSchema>;

/** POST /v5/auth/tokens: a named long-lived API token. */
export const apiTokenCreateBodySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    /** Days until expiry; omitted means it never expires (revoke it instead). */
    expires_in_days: z.number().int().min(1).max(3650).optional(),
  })
  .strict();
export type ApiTokenCreateBody = z.infer<typeof apiTokenCreateBodySchema>;

export const apiTokenSchema = z.object({
  id: idSchema,
  name: z.string(),
  created_time: z.number().int(),
  expires_time: z.number().int().nullable(),
  last_used_time: z.number().int().nullable(),
  revoked_time: z.number().int().nullable(),
});
export type ApiToken = z.infer<typeof apiTokenSchema>;
/** The secret is returned once, at creation. */
export const apiTokenCreatedSchema = apiTokenSchema.extend({ token: z.string() });
export type ApiTokenCreated = z.infer<typeof apiTokenCreatedSchema>;

/** GET /v5/user_account, Pinterest's `Account`. */
export const userAccountSchema = z.object({
  id: idSchema,
  username: z.string(),
  account_type: z.literal('BUSINESS'),
  business_name: z.string().nullable(),
  profile_image: z.string(),
  website_url: z.string(),
  about: z.string(),
});
export type UserAccount = z.infer<typeof userAccountSchema>;

/** Pinterest's `AdAccount`; `permissions` are the caller's roles on it. */
export const adAccountSchema = z.object({
  id: idSchema,
  name: z.string(),
  owner: z.object({ id: idSchema, username: z.string() }),
  country: z.string(),
  currency: z.string(),
  /** Loupe extension: the zone in which days, months and quarters are cut. */
  timezone: z.string(),
  permissions: z.array(adAccountRoleSchema),
  created_time: z.number().int(),
  updated_time: z.number().int(),
});
export type AdAccount = z.infer<typeof adAccountSchema>;

/** POST /v5/ad_accounts (Pinterest's `AdAccountCreate` plus a timezone). */
export const adAccountCreateBodySchema = z
  .object({
    name: z.string().trim().min(1).max(256),
    country: countrySchema,
    currency: currencySchema,
    timezone: timezoneSchema.default('UTC'),
    owner_user_id: idSchema.optional(),
  })
  .strict();
export type AdAccountCreateBody = z.infer<typeof adAccountCreateBodySchema>;

export const adAccountListQuerySchema = paginationQuerySchema.extend({
  include_shared_accounts: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
});

export const adAccountIdParamSchema = z.object({ ad_account_id: idSchema });

/** Members of an ad account (Loupe extension, in the spirit of Pinterest's business access). */
export const memberSchema = z.object({
  user_id: idSchema.nullable(),
  email: z.string(),
  username: z.string().nullable(),
  role: adAccountRoleSchema,
  status: z.enum(['ACTIVE', 'INVITED']),
  created_time: z.number().int(),
});
export type Member = z.infer<typeof memberSchema>;

export const memberInviteBodySchema = z.object({ email, role: adAccountRoleSchema }).strict();
export type MemberInviteBody = z.infer<typeof memberInviteBodySchema>;
export const memberUpdateBodySchema = z.object({ role: adAccountRoleSchema }).strict();
