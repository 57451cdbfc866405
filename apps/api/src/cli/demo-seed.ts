/**
 * Loads the demo marketplace through the public management API — the same HTTP calls a
 * customer's tooling makes, so every object obeys the API's rules (bid floors, review,
 * roles) and nothing is written behind its back:
 *   - the demo SMB (demo@<domain>): its "Demo Home & Garden Shop" account with one
 *     campaign comparing a precise and a broad ad group;
 *   - a demo agency (agency@<domain>): four client accounts in four currencies and
 *     time zones, two or three campaigns each;
 *   - a finance user (finance@<domain>), FINANCE_MANAGER on every agency account
 *     through the invitation API (invited first, the invitation claimed at sign-up);
 *   - ad groups, pins and ads from the simulator's catalog (@loupe/simulator), every ad
 *     APPROVED by the API's automatic review.
 * Idempotent: users sign in when they exist, and accounts, campaigns, ad groups, pins,
 * ads and memberships are looked up by name (pins by link) before anything is created.
 *
 *   SWC_NODE_PROJECT=apps/api/tsconfig.json node -r @swc-node/register apps/api/src/cli/demo-seed.ts [base URL] [--seed=N]
 */
import {
  adAccountPageSchema,
  adBulkResponseSchema,
  adGroupBulkResponseSchema,
  adGroupPageSchema,
  adPageSchema,
  campaignBulkResponseSchema,
  campaignPageSchema,
  accessTokenResponseSchema,
  adAccountSchema,
  memberPageSchema,
  pinPageSchema,
  pinSchema,
  signupResponseSchema,
  type AdAccount,
} from '@loupe/contracts';
import { demoMarketplace, type CatalogAccount, type CatalogAdvertiser } from '@loupe/simulator';
import type { z } from 'zod';
import { DEMO_AD_ACCOUNT, DEMO_USER } from './seed';

export const DEMO_SEED = 2026;
export const DEMO_PASSWORD = DEMO_USER.password;
/** Every list is read whole: the demo's objects are a few dozen per account. */
const PAGE_SIZE = 250;
/** Pinterest's bulk routes take at most 30 items. */
const BULK_MAX = 30;
const ALL_STATUSES = 'ACTIVE,PAUSED,ARCHIVED,DRAFT';

export interface DemoSeedOptions {
  /** The running API, e.g. http://127.0.0.1:3000 */
  baseUrl: string;
  seed?: number;
  /** Domain of the demo users' emails (tests use a unique one). */
  emailDomain?: string;
  password?: string;
  imageBaseUrl?: string;
  /** Unix seconds; campaigns start `startDaysAgo` before it. */
  now?: () => number;
  /** The HTTP client; defaults to the global fetch. */
  fetch?: typeof fetch;
}

export type DemoRole = 'SMB' | 'AGENCY' | 'FINANCE';

export interface DemoLogin {
  role: DemoRole;
  email: string;
  password: string;
  userId: string;
  /** The accounts the user works on for the demo (the finance user's: the agency's). */
  adAccountIds: string[];
}

export interface DemoCounts {
  users: number;
  adAccounts: number;
  campaigns: number;
  adGroups: number;
  pins: number;
  ads: number;
  memberships: number;
}

export interface DemoSeedResult {
  logins: DemoLogin[];
  /** What this run created; all zero when the demo was already complete. */
  created: DemoCounts;
}

/** A refused API call, with Pinterest's `{code, message}`. */
export class DemoSeedError extends Error {}

interface Session {
  token: string;
  userId: string;
}

/** A thin JSON client of the management API; retries 429s after `Retry-After`. */
class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly fetchFn: typeof fetch,
  ) {}

  async call(method: string, path: string, options: { token?: string; body?: unknown; query?: Record<string, string> } = {}): Promise<{ status: number; body: unknown }> {
    const url = new URL(path, this.baseUrl);
    for (const [k, v] of Object.entries(options.query ?? {})) url.searchParams.set(k, v);
    for (let attempt = 0; ; attempt++) {
      const res = await this.fetchFn(url, {
        method,
        headers: {
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
      const text = await res.text();
      const body = parseBody(text);
      if (res.status === 429 && attempt < 5) {
        const wait = Number(res.headers.get('retry-after') ?? '1');
        await new Promise((resolve) => setTimeout(resolve, Math.min(60, Math.max(1, wait)) * 1000));
        continue;
      }
      return { status: res.status, body };
    }
  }

  /** A call that must answer `expected`; anything else is a DemoSeedError naming the call. */
  async expect<S extends z.ZodType>(schema: S, expected: number, method: string, path: string, options: Parameters<ApiClient['call']>[2] = {}): Promise<z.infer<S>> {
    const { status, body } = await this.call(method, path, options);
    if (status !== expected) throw new DemoSeedError(`${method} ${path} answered ${status}: ${JSON.stringify(body)}`);
    return schema.parse(body);
  }

  /** Every item of a paginated list. */
  async all<T>(schema: z.ZodType<{ items: T[]; bookmark: string | null }>, path: string, token: string, query: Record<string, string> = {}): Promise<T[]> {
    const items: T[] = [];
    let bookmark: string | null = null;
    do {
      const page: { items: T[]; bookmark: string | null } = await this.expect(schema, 200, 'GET', path, {
        token,
        query: { ...query, page_size: String(PAGE_SIZE), ...(bookmark ? { bookmark } : {}) },
      });
      items.push(...page.items);
      bookmark = page.bookmark;
    } while (bookmark);
    return items;
  }

  /** A bulk create in chunks of 30; every item must succeed. */
  async bulkCreate<T>(schema: z.ZodType<{ items: { data?: T; exceptions: { code: number; message: string }[] }[] }>, path: string, token: string, items: unknown[]): Promise<T[]> {
    const created: T[] = [];
    for (let i = 0; i < items.length; i += BULK_MAX) {
      const chunk = items.slice(i, i + BULK_MAX);
      const answer = await this.expect(schema, 200, 'POST', path, { token, body: chunk });
      answer.items.forEach((item, j) => {
        if (!item.data) throw new DemoSeedError(`POST ${path} refused ${JSON.stringify(chunk[j])}: ${JSON.stringify(item.exceptions)}`);
        created.push(item.data);
      });
    }
    return created;
  }
}

/** JSON, or the raw text when something in between (a proxy, a crashed server) answered otherwise. */
function parseBody(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function zeroCounts(): DemoCounts {
  return { users: 0, adAccounts: 0, campaigns: 0, adGroups: 0, pins: 0, ads: 0, memberships: 0 };
}

/** Seeds the demo marketplace (see the module comment) and answers how to sign in. */
export async function seedDemoMarketplace(options: DemoSeedOptions): Promise<DemoSeedResult> {
  const api = new ApiClient(options.baseUrl, options.fetch ?? fetch);
  const domain = options.emailDomain ?? 'loupe.dev';
  const password = options.password ?? DEMO_PASSWORD;
  const now = options.now ?? (() => Math.floor(Date.now() / 1000));
  const created = zeroCounts();
  const demo = demoMarketplace(options.seed ?? DEMO_SEED, { imageBaseUrl: options.imageBaseUrl });
  const emails = { SMB: `demo@${domain}`, AGENCY: `agency@${domain}`, FINANCE: `finance@${domain}` };

  /** Signs in, or signs up with `firstAccount` when the email is unknown. */
  async function session(email: string, business: string, firstAccount: Pick<CatalogAccount, 'name' | 'country' | 'currency' | 'timezone'>): Promise<Session> {
    const login = await api.call('POST', '/v5/auth/login', { body: { email, password } });
    if (login.status === 200) {
      const body = accessTokenResponseSchema.parse(login.body);
      return { token: body.access_token, userId: body.user_id };
    }
    if (login.status !== 401) throw new DemoSeedError(`POST /v5/auth/login for ${email} answered ${login.status}: ${JSON.stringify(login.body)}`);
    const signup = await api.call('POST', '/v5/auth/signup', {
      body: {
        email,
        password,
        business_name: business,
        ad_account: { name: firstAccount.name, country: firstAccount.country, currency: firstAccount.currency, timezone: firstAccount.timezone },
      },
    });
    if (signup.status === 409) {
      throw new DemoSeedError(`${email} exists but does not accept the demo password; reset it or choose another email domain.`);
    }
    if (signup.status !== 201) throw new DemoSeedError(`POST /v5/auth/signup for ${email} answered ${signup.status}: ${JSON.stringify(signup.body)}`);
    const body = signupResponseSchema.parse(signup.body);
    created.users++;
    created.adAccounts++;
    return { token: body.access_token, userId: body.user_id };
  }

  /** The user's own accounts named as the catalog's, created where missing; in catalog order. */
  async function accounts(user: Session, catalog: readonly CatalogAccount[]): Promise<AdAccount[]> {
    const owned = await api.all(adAccountPageSchema, '/v5/ad_accounts', user.token, { include_shared_accounts: 'false' });
    const result: AdAccount[] = [];
    for (const account of catalog) {
      let found = owned.find((a) => a.name === account.name);
      if (!found) {
        found = await api.expect(adAccountSchema, 200, 'POST', '/v5/ad_accounts', {
          token: user.token,
          body: { name: account.name, country: account.country, currency: account.currency, timezone: account.timezone },
        });
        created.adAccounts++;
      }
      result.push(found);
    }
    return result;
  }

  /** Campaigns, ad groups, pins and ads of one catalog account, each created only where missing. */
  async function fill(user: Session, accountId: string, account: CatalogAccount): Promise<void> {
    const base = `/v5/ad_accounts/${accountId}`;
    const existingCampaigns = await api.all(campaignPageSchema, `${base}/campaigns`, user.token, { entity_statuses: ALL_STATUSES });
    const missingCampaigns = account.campaigns.filter((c) => !existingCampaigns.some((e) => e.name === c.name));
    const newCampaigns = await api.bulkCreate(
      campaignBulkResponseSchema,
      `${base}/campaigns`,
      user.token,
      missingCampaigns.map((c) => ({ name: c.name, objective_type: c.objective_type, status: 'ACTIVE', start_time: now() - c.startDaysAgo * 86_400 })),
    );
    created.campaigns += newCampaigns.length;
    const campaignIds = new Map([...existingCampaigns, ...newCampaigns].map((c) => [c.name, c.id]));

    const existingGroups = await api.all(adGroupPageSchema, `${base}/ad_groups`, user.token, { entity_statuses: ALL_STATUSES });
    const groupKey = (campaignId: string, name: string) => `${campaignId}/${name}`;
    const groupIds = new Map(existingGroups.map((g) => [groupKey(g.campaign_id, g.name), g.id]));
    const missingGroups = account.campaigns.flatMap((c) =>
      c.adGroups.filter((g) => !groupIds.has(groupKey(campaignIds.get(c.name)!, g.name))).map((g) => ({ campaignId: campaignIds.get(c.name)!, group: g })),
    );
    const newGroups = await api.bulkCreate(
      adGroupBulkResponseSchema,
      `${base}/ad_groups`,
      user.token,
      missingGroups.map(({ campaignId, group }) => ({
        name: group.name,
        campaign_id: campaignId,
        status: 'ACTIVE',
        billable_event: group.billable_event,
        budget_type: group.budget_type,
        budget_in_micro_currency: group.budget_in_micro_currency,
        bid_in_micro_currency: group.bid_in_micro_currency,
        placement_group: group.placement_group,
        pacing_delivery_type: group.pacing_delivery_type,
        targeting_spec: group.targeting_spec,
      })),
    );
    created.adGroups += newGroups.length;
    for (const g of newGroups) groupIds.set(groupKey(g.campaign_id, g.name), g.id);

    const existingAds = await api.all(adPageSchema, `${base}/ads`, user.token, { entity_statuses: ALL_STATUSES });
    const adKeys = new Set(existingAds.map((a) => `${a.ad_group_id}/${a.name ?? ''}`));
    const missingAds = account.campaigns.flatMap((c) =>
      c.adGroups.flatMap((g) => {
        const adGroupId = groupIds.get(groupKey(campaignIds.get(c.name)!, g.name))!;
        return g.ads.filter((ad) => !adKeys.has(`${adGroupId}/${ad.name}`)).map((ad) => ({ adGroupId, ad }));
      }),
    );
    if (missingAds.length === 0) return;

    // Pins belong to the business; one promoted pin per product page, reused by every ad of it.
    const pins = await api.all(pinPageSchema, '/v5/pins', user.token, { ad_account_id: accountId });
    const pinIds = new Map(pins.filter((p) => p.link !== null).map((p) => [p.link!, p.id]));
    for (const { ad } of missingAds) {
      if (pinIds.has(ad.pin.link)) continue;
      const pin = await api.expect(pinSchema, 201, 'POST', '/v5/pins', {
        token: user.token,
        query: { ad_account_id: accountId },
        body: {
          title: ad.pin.title,
          description: ad.pin.description,
          link: ad.pin.link,
          alt_text: ad.pin.alt_text,
          media_source: { source_type: 'image_url', url: ad.pin.image_url },
        },
      });
      created.pins++;
      pinIds.set(ad.pin.link, pin.id);
    }
    const newAds = await api.bulkCreate(
      adBulkResponseSchema,
      `${base}/ads`,
      user.token,
      missingAds.map(({ adGroupId, ad }) => ({ ad_group_id: adGroupId, pin_id: pinIds.get(ad.pin.link)!, creative_type: 'REGULAR', name: ad.name, status: 'ACTIVE' })),
    );
    for (const ad of newAds) {
      // Only APPROVED ads deliver: a catalog creative the review refuses is a catalog bug.
      if (ad.review_status !== 'APPROVED') throw new DemoSeedError(`ad "${ad.name}" was ${ad.review_status}: ${ad.rejection_labels.join(' ')}`);
    }
    created.ads += newAds.length;
  }

  async function advertiser(role: 'SMB' | 'AGENCY', catalog: CatalogAdvertiser, business: string): Promise<{ login: DemoLogin; user: Session }> {
    const user = await session(emails[role], business, catalog.accounts[0]!);
    const found = await accounts(user, catalog.accounts);
    for (const [i, account] of catalog.accounts.entries()) await fill(user, found[i]!.id, account);
    return { login: { role, email: emails[role], password, userId: user.userId, adAccountIds: found.map((a) => a.id) }, user };
  }

  // The SMB's account is the one `seed.ts` creates for the demo login, so both seeders agree.
  const smbCatalog: CatalogAdvertiser = { ...demo.smb, accounts: [{ ...demo.smb.accounts[0]!, ...DEMO_AD_ACCOUNT }] };
  const smb = await advertiser('SMB', smbCatalog, 'Demo Home & Garden Co.');
  const agency = await advertiser('AGENCY', demo.agency, demo.agency.name);

  // Finance: FINANCE_MANAGER on every agency account, invited by email (claimed at sign-up).
  for (const accountId of agency.login.adAccountIds) {
    const members = await api.all(memberPageSchema, `/v5/ad_accounts/${accountId}/members`, agency.user.token);
    if (members.some((m) => m.email === emails.FINANCE)) continue;
    const invite = await api.call('POST', `/v5/ad_accounts/${accountId}/members`, {
      token: agency.user.token,
      body: { email: emails.FINANCE, role: 'FINANCE_MANAGER' },
    });
    if (invite.status !== 201) throw new DemoSeedError(`inviting ${emails.FINANCE} answered ${invite.status}: ${JSON.stringify(invite.body)}`);
    created.memberships++;
  }
  // Sign-up needs a first account of the user's own; the finance user's is an empty workspace.
  const finance = await session(emails.FINANCE, `${demo.agency.name} — Finance`, { name: 'Finance workspace', country: 'US', currency: 'USD', timezone: 'America/New_York' });

  return {
    logins: [
      smb.login,
      agency.login,
      { role: 'FINANCE', email: emails.FINANCE, password, userId: finance.userId, adAccountIds: agency.login.adAccountIds },
    ],
    created,
  };
}

/** What the start command prints. */
export function describeLogins(result: DemoSeedResult): string {
  const label: Record<DemoRole, string> = {
    SMB: 'SMB advertiser (one account, one campaign)',
    AGENCY: `Agency (${result.logins[1]?.adAccountIds.length ?? 0} client accounts)`,
    FINANCE: 'Finance (FINANCE_MANAGER on the agency accounts)',
  };
  const made = Object.entries(result.created).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
  return [
    `Demo marketplace ${made.length === 0 ? 'already present' : `created: ${made.join(', ')}`}.`,
    ...result.logins.map((l) => `  ${label[l.role].padEnd(52)} ${l.email} / ${l.password}`),
  ].join('\n');
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const seedArg = args.find((a) => a.startsWith('--seed='));
  const seed = seedArg === undefined ? undefined : Number(seedArg.slice('--seed='.length));
  if (seed !== undefined && !Number.isSafeInteger(seed)) {
    process.stderr.write(`--seed must be an integer; got ${seedArg}\n`);
    process.exit(2);
  }
  const baseUrl = args.find((a) => !a.startsWith('--')) ?? 'http://127.0.0.1:3000';
  seedDemoMarketplace({ baseUrl, seed }).then(
    (result) => process.stdout.write(`${describeLogins(result)}\n`),
    (err: unknown) => {
      process.stderr.write(`Demo seeding failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
