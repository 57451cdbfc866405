import { z } from 'zod';
import { idSchema, paginated, paginationQuerySchema } from './common';
import { COUNTRIES, CURRENCIES } from './pinterest-enums';

/** A query-string boolean (`true` / `false`), as Pinterest's `include_shared_accounts`. */
function booleanQuery(fallback: boolean) {
  return z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true');
}

/**
 * Per-ad-account roles, with Pinterest's BusinessAccessRole names. The account's
 * creator holds ADMIN (Pinterest's OWNER/ADMIN).
 */
export const AD_ACCOUNT_ROLES = ['ADMIN', 'CAMPAIGN_MANAGER', 'ANALYST', 'FINANCE_MANAGER'] as const;
export const adAccountRoleSchema = z.enum(AD_ACCOUNT_ROLES);
export type AdAccountRole = z.infer<typeof adAccountRoleSchema>;

/** Emails are compared and stored lower-cased. */
export const emailSchema = z
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
    email: emailSchema,
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
export const loginBodySchema = z.object({ email: emailSchema, password: z.string().min(1).max(256) }).strict();
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

/** GET /v5/auth/tokens: revoked tokens are listed only on request. */
export const apiTokenListQuerySchema = paginationQuerySchema.extend({ include_revoked: booleanQuery(false) });
export type ApiTokenListQuery = z.infer<typeof apiTokenListQuerySchema>;
export const apiTokenIdParamSchema = z.object({ token_id: idSchema });

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
export const apiTokenPageSchema = paginated(apiTokenSchema);

/**
 * GET /v5/user_account. As in Pinterest's Business Access, `ad_account_id` answers
 * with the owner of that ad account instead of the caller (the caller needs a role on it).
 */
export const userAccountQuerySchema = z.object({ ad_account_id: idSchema.optional() });
export type UserAccountQuery = z.infer<typeof userAccountQuerySchema>;

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

/** Pinterest lets one user own at most 50 ad accounts; POST /v5/ad_accounts enforces the same. */
export const AD_ACCOUNTS_PER_USER_MAX = 50;

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

/**
 * PATCH /v5/ad_accounts/{ad_account_id} (Loupe extension). Only the name and the
 * timezone change. The currency never does: every amount stored for the account
 * (budgets, bids, spend, invoices) is in micros of it, so converting would silently
 * rewrite money; open a new ad account for another currency.
 */
export const adAccountUpdateBodySchema = z
  .object({
    name: z.string().trim().min(1).max(256).optional(),
    timezone: timezoneSchema.optional(),
    currency: z
      .never({ error: 'cannot be changed: all money of an ad account is in its currency; create a new ad account for another currency' })
      .optional()
      .describe('Not accepted: the currency of an ad account never changes.'),
  })
  .strict()
  .refine((body) => body.name !== undefined || body.timezone !== undefined, { message: 'send at least one of name, timezone' });
export type AdAccountUpdateBody = z.infer<typeof adAccountUpdateBodySchema>;

/** `include_shared_accounts=false` lists only the accounts the caller owns. */
export const adAccountListQuerySchema = paginationQuerySchema.extend({
  include_shared_accounts: booleanQuery(true),
});
export type AdAccountListQuery = z.infer<typeof adAccountListQuerySchema>;
export const adAccountPageSchema = paginated(adAccountSchema);

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

export const memberInviteBodySchema = z.object({ email: emailSchema, role: adAccountRoleSchema }).strict();
export type MemberInviteBody = z.infer<typeof memberInviteBodySchema>;
export const memberUpdateBodySchema = z.object({ role: adAccountRoleSchema }).strict();
export type MemberUpdateBody = z.infer<typeof memberUpdateBodySchema>;
export const memberPageSchema = paginated(memberSchema);
export const memberListQuerySchema = paginationQuerySchema;
export type MemberListQuery = z.infer<typeof memberListQuerySchema>;
export const memberParamsSchema = z.object({ ad_account_id: idSchema, user_id: idSchema });
export const invitationParamsSchema = z.object({ ad_account_id: idSchema, email: emailSchema });
