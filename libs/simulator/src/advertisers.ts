/**
 * The advertiser catalog: who buys ads in the simulated marketplace, and what exactly
 * they create through the management API. Three kinds:
 *   SMB         a small shop: one ad account, one campaign, one or two ad groups,
 *               daily budgets of tens of dollars;
 *   ENTERPRISE  a brand with an account per market (several currencies and time
 *               zones), several campaigns each, budgets of hundreds to thousands;
 *   AGENCY      manages several clients' accounts, each client in its own vertical.
 * Everything is in the API's shape (campaign, ad group and pin fields as the
 * ad-groups, campaigns and pins contracts accept them; money in integer micros of the
 * account's currency; bids above the auction's floors) plus what the simulator needs
 * to model delivery: each ad's creative category, each ad group's conversion type,
 * order-value scale and targeting quality.
 *
 * Targeting quality is deliberate: `precise` ad groups target the creative's own
 * interest (and the vertical's audience), `broad` ones only a country, `mismatched`
 * ones an unrelated interest — so the demo shows good targeting earning better ROAS.
 */
import { convertUsdMicros, microsPerMinorUnit, reservePrice, type ReserveCurrency } from '@loupe/auction';
import { bernoulli, intBetween, pickOne, shuffled, streamRandom, type Random } from './random';
import { SEARCH_QUERIES } from './search';
import { interestId, INTEREST_KEYS, type InterestKey, type SimGender } from './vocabulary';
import type { ConversionType } from './conversions';
import type { SimAd } from './engagement';
import type { SimKeyword, SimTargetingSpec, TargetableAgeBucket } from './targeting';

export type AdvertiserKind = 'SMB' | 'ENTERPRISE' | 'AGENCY';
export type ObjectiveType = 'AWARENESS' | 'CONSIDERATION' | 'WEB_CONVERSION' | 'CATALOG_SALES';
export type BillableEvent = 'IMPRESSION' | 'CLICKTHROUGH';
export type PlacementGroup = 'ALL' | 'BROWSE' | 'SEARCH';
export type TargetingQuality = 'precise' | 'broad' | 'mismatched';

export interface CatalogPin {
  title: string;
  description: string;
  link: string;
  alt_text: string;
  image_url: string;
}

export interface CatalogAd {
  name: string;
  /** The interest the creative is about. */
  category: InterestKey;
  pin: CatalogPin;
}

export interface CatalogAdGroup {
  name: string;
  billable_event: BillableEvent;
  budget_type: 'DAILY';
  budget_in_micro_currency: number;
  bid_in_micro_currency: number;
  placement_group: PlacementGroup;
  pacing_delivery_type: 'STANDARD' | 'ACCELERATED';
  targeting_spec: SimTargetingSpec;
  targetingQuality: TargetingQuality;
  conversionType: ConversionType;
  valueScale: number;
  ads: CatalogAd[];
}

export interface CatalogCampaign {
  name: string;
  objective_type: ObjectiveType;
  daily_spend_cap: number | null;
  /** The campaign started this many days before seeding (history for backfills). */
  startDaysAgo: number;
  adGroups: CatalogAdGroup[];
}

export interface CatalogAccount {
  name: string;
  country: string;
  currency: ReserveCurrency;
  timezone: string;
  vertical: VerticalKey;
  campaigns: CatalogCampaign[];
}

export interface CatalogAdvertiser {
  kind: AdvertiserKind;
  name: string;
  accounts: CatalogAccount[];
}

export interface Market {
  country: string;
  currency: ReserveCurrency;
  timezone: string;
}

/** Markets accounts are opened in (one currency and time zone each). */
export const MARKETS: readonly Market[] = [
  { country: 'US', currency: 'USD', timezone: 'America/New_York' },
  { country: 'US', currency: 'USD', timezone: 'America/Los_Angeles' },
  { country: 'GB', currency: 'GBP', timezone: 'Europe/London' },
  { country: 'DE', currency: 'EUR', timezone: 'Europe/Berlin' },
  { country: 'FR', currency: 'EUR', timezone: 'Europe/Paris' },
  { country: 'CA', currency: 'CAD', timezone: 'America/Toronto' },
  { country: 'AU', currency: 'AUD', timezone: 'Australia/Sydney' },
  { country: 'JP', currency: 'JPY', timezone: 'Asia/Tokyo' },
  { country: 'BR', currency: 'BRL', timezone: 'America/Sao_Paulo' },
  { country: 'MX', currency: 'MXN', timezone: 'America/Mexico_City' },
];

export interface Vertical {
  category: InterestKey;
  /** Interests its audience also holds: precise ad groups target one of them with the category. */
  related: readonly InterestKey[];
  objective: ObjectiveType;
  conversionType: ConversionType;
  /** Basket size relative to the conversion type's median value. */
  valueScale: number;
  /** The vertical's core audience, which precise ad groups narrow to. */
  audience: { GENDER?: SimGender[]; AGE_BUCKET?: TargetableAgeBucket[] };
  brands: readonly string[];
  products: readonly string[];
}

export const VERTICALS = {
  home_decor: {
    category: 'home_decor',
    related: ['design', 'diy_and_crafts'],
    objective: 'WEB_CONVERSION',
    conversionType: 'checkout',
    valueScale: 1.5,
    audience: { AGE_BUCKET: ['25-34', '35-44', '45-49'] },
    brands: ['Harbor & Pine Home', 'Linen Lane Interiors', 'Oak and Ember'],
    products: ['linen throw pillows', 'rattan pendant lamp', 'arched wall mirror', 'ceramic vase set', 'wool area rug', 'velvet accent chair'],
  },
  food_and_drinks: {
    category: 'food_and_drinks',
    related: ['health', 'event_planning'],
    objective: 'CONSIDERATION',
    conversionType: 'signup',
    valueScale: 3,
    audience: { AGE_BUCKET: ['25-34', '35-44'] },
    brands: ['Weeknight Table', 'Green Fork Meal Kits', 'Copper Pot Kitchen'],
    products: ['15-minute pasta box', 'family meal kit', 'plant-based dinner box', 'sourdough starter kit', 'spice sampler'],
  },
  womens_fashion: {
    category: 'womens_fashion',
    related: ['beauty', 'wedding'],
    objective: 'CATALOG_SALES',
    conversionType: 'checkout',
    valueScale: 1.2,
    audience: { GENDER: ['female'], AGE_BUCKET: ['18-24', '25-34', '35-44'] },
    brands: ['Maple Row Boutique', 'Juniper & Silk', 'Northline Apparel'],
    products: ['wrap midi dress', 'cropped wool coat', 'linen wide-leg trousers', 'knit cardigan', 'leather ankle boots'],
  },
  beauty: {
    category: 'beauty',
    related: ['womens_fashion', 'health'],
    objective: 'WEB_CONVERSION',
    conversionType: 'add_to_cart',
    valueScale: 0.8,
    audience: { GENDER: ['female'] },
    brands: ['Dewdrop Skincare', 'Petal Theory', 'Luma Beauty'],
    products: ['vitamin C serum', 'hydrating night cream', 'tinted lip balm', 'clay face mask', 'gentle cleanser'],
  },
  travel: {
    category: 'travel',
    related: ['architecture', 'food_and_drinks'],
    objective: 'CONSIDERATION',
    conversionType: 'lead',
    valueScale: 4,
    audience: { AGE_BUCKET: ['25-34', '35-44', '45-49', '50-54'] },
    brands: ['Wayfarer Journeys', 'Blue Coast Travel', 'Atlas & Compass'],
    products: ['Amalfi coast week', 'Kyoto in autumn tour', 'Iceland road trip', 'Greek islands cruise', 'Lisbon city break'],
  },
  diy_and_crafts: {
    category: 'diy_and_crafts',
    related: ['art', 'home_decor'],
    objective: 'WEB_CONVERSION',
    conversionType: 'checkout',
    valueScale: 0.6,
    audience: {},
    brands: ['Maker Loft Supply', 'Thread & Thimble', 'Paper Crane Crafts'],
    products: ['macrame cord bundle', 'beginner crochet kit', 'soy candle making kit', 'watercolor paper pad', 'embroidery hoop set'],
  },
  wedding: {
    category: 'wedding',
    related: ['event_planning', 'womens_fashion'],
    objective: 'CONSIDERATION',
    conversionType: 'lead',
    valueScale: 3,
    audience: { AGE_BUCKET: ['25-34', '35-44'] },
    brands: ['Ever After Planning', 'Golden Hour Weddings', 'Ivy & Lace Events'],
    products: ['garden wedding package', 'elopement planning', 'wedding florals consult', 'destination wedding package', 'bridal styling session'],
  },
  health: {
    category: 'health',
    related: ['sport', 'food_and_drinks'],
    objective: 'CONSIDERATION',
    conversionType: 'signup',
    valueScale: 2,
    audience: { AGE_BUCKET: ['18-24', '25-34', '35-44'] },
    brands: ['Stride Fitness App', 'Mindful Move', 'Core Club'],
    products: ['30-day pilates plan', 'beginner running program', 'home strength plan', 'morning yoga series', 'mobility routine'],
  },
  mens_fashion: {
    category: 'mens_fashion',
    related: ['sport', 'electronics'],
    objective: 'CATALOG_SALES',
    conversionType: 'checkout',
    valueScale: 1.3,
    audience: { GENDER: ['male'] },
    brands: ['Ridge & Rye Outfitters', 'Coastline Menswear', 'Forge Denim'],
    products: ['selvedge denim jeans', 'merino crew sweater', 'chore jacket', 'leather chelsea boots', 'oxford shirt'],
  },
  gardening: {
    category: 'gardening',
    related: ['home_decor', 'diy_and_crafts'],
    objective: 'AWARENESS',
    conversionType: 'checkout',
    valueScale: 0.9,
    audience: { AGE_BUCKET: ['35-44', '45-49', '50-54', '55-64', '65+'] },
    brands: ['Fernwood Garden Co.', 'Seed & Spade', 'Greenhouse Goods'],
    products: ['raised cedar bed', 'heirloom seed collection', 'terracotta planter set', 'herb garden kit', 'pruning shears'],
  },
  electronics: {
    category: 'electronics',
    related: ['design', 'entertainment'],
    objective: 'WEB_CONVERSION',
    conversionType: 'add_to_cart',
    valueScale: 3,
    audience: {},
    brands: ['Circuit & Oak', 'Lumen Audio', 'Deskwise'],
    products: ['wireless desk charger', 'walnut monitor stand', 'noise-cancelling headphones', 'smart desk lamp', 'mechanical keyboard'],
  },
  childrens_fashion: {
    category: 'childrens_fashion',
    related: ['parenting', 'womens_fashion'],
    objective: 'CATALOG_SALES',
    conversionType: 'checkout',
    valueScale: 0.9,
    audience: { AGE_BUCKET: ['25-34', '35-44'] },
    brands: ['Little Acorn Kids', 'Puddle Jumpers', 'Tiny Trail Co.'],
    products: ['organic cotton onesies', 'kids rain jacket', 'toddler sneakers', 'knit baby cardigan', 'twirl party dress'],
  },
} as const satisfies Record<string, Vertical>;
export type VerticalKey = keyof typeof VERTICALS;
export const VERTICAL_KEYS = Object.keys(VERTICALS) as VerticalKey[];

const CAMPAIGN_THEMES = ['Always-on', 'Spring launch', 'Summer sale', 'Back to school', 'Autumn edit', 'Holiday gifting', 'New arrivals', 'Prospecting'];

/** Money: a USD amount in the market's currency, integer micros. */
function localMicros(usd: number, currency: ReserveCurrency): number {
  return convertUsdMicros(Math.round(usd * 1_000_000), currency);
}

/** A budget in whole units of the currency (what a person types), at least 1 unit. */
function budgetMicros(usd: number, currency: ReserveCurrency): number {
  return Math.max(1, Math.ceil(localMicros(usd, currency) / 1_000_000)) * 1_000_000;
}

/** A bid: the wanted USD amount in the currency, but at least 10% above the floor, in whole minor units. */
function bidMicros(usd: number, currency: ReserveCurrency, billableEvent: BillableEvent, placement: PlacementGroup): number {
  const floor = reservePrice({ placement, billableEvent, currency });
  const step = microsPerMinorUnit(currency);
  const wanted = Math.max(localMicros(usd, currency), Math.ceil((floor * 1.1) / step) * step);
  return Math.ceil(wanted / step) * step;
}

const slug = (text: string): string =>
  text
    .toLowerCase()
    .replace(/&/g, 'and')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

export interface CatalogOptions {
  /** Where the pins' images are referenced (the simulator uploads nothing). */
  imageBaseUrl?: string;
}

export const DEFAULT_IMAGE_BASE_URL = 'https://images.example.com/loupe-demo';

function creative(brand: string, vertical: Vertical, product: string, options: CatalogOptions): CatalogAd {
  const productSlug = slug(product);
  const domain = `${slug(brand)}.example`;
  const title = `${product[0]!.toUpperCase()}${product.slice(1)} | ${brand}`.slice(0, 100);
  return {
    name: `${product} pin`,
    category: vertical.category,
    pin: {
      title,
      description: `Discover the ${product} from ${brand}. Ideas, details and prices on our site.`,
      link: `https://${domain}/${productSlug}?utm_source=pinterest&utm_medium=paid&utm_content=${vertical.category}`,
      alt_text: `Photo of the ${product}`,
      image_url: `${(options.imageBaseUrl ?? DEFAULT_IMAGE_BASE_URL).replace(/\/$/, '')}/${vertical.category}/${productSlug}.jpg`,
    },
  };
}

/** Keywords of a SEARCH ad group: two of the category's queries as phrases, one broad pair of words. */
function keywordsFor(random: Random, category: InterestKey): SimKeyword[] {
  const queries = SEARCH_QUERIES[category];
  const first = pickOne(random, queries);
  const second = pickOne(random, queries.filter((q) => q !== first));
  return [
    { value: first, match_type: 'PHRASE' },
    { value: second, match_type: 'PHRASE' },
    { value: first.split(' ').slice(0, 2).join(' '), match_type: 'BROAD' },
  ];
}

function targetingFor(random: Random, vertical: Vertical, market: Market, quality: TargetingQuality, placement: PlacementGroup): SimTargetingSpec {
  const spec: SimTargetingSpec = { LOCATION: [market.country] };
  if (quality === 'precise') {
    spec.INTEREST = [interestId(vertical.category), interestId(pickOne(random, vertical.related))];
    if (vertical.audience.GENDER) spec.GENDER = [...vertical.audience.GENDER];
    if (vertical.audience.AGE_BUCKET) spec.AGE_BUCKET = [...vertical.audience.AGE_BUCKET];
  } else if (quality === 'mismatched') {
    const unrelated = INTEREST_KEYS.filter((k) => k !== vertical.category && !vertical.related.includes(k));
    spec.INTEREST = [interestId(pickOne(random, unrelated))];
  }
  if (placement === 'SEARCH') spec.KEYWORD = keywordsFor(random, vertical.category);
  return spec;
}

/** The billable event a campaign objective buys (as the API's OBJECTIVE_BILLABLE_EVENTS allows). */
function billableEventFor(random: Random, objective: ObjectiveType): BillableEvent {
  switch (objective) {
    case 'AWARENESS':
      return 'IMPRESSION';
    case 'CONSIDERATION':
    case 'CATALOG_SALES':
      return 'CLICKTHROUGH';
    case 'WEB_CONVERSION':
      return bernoulli(random, 0.7) ? 'CLICKTHROUGH' : 'IMPRESSION';
  }
}

interface Scale {
  /** Daily budget range per ad group, USD. */
  budgetUsd: readonly [number, number];
  adGroups: readonly [number, number];
  adsPerGroup: readonly [number, number];
  qualities: readonly TargetingQuality[];
}

const SMB_SCALE: Scale = { budgetUsd: [10, 60], adGroups: [1, 2], adsPerGroup: [2, 2], qualities: ['precise', 'broad'] };
const ENTERPRISE_SCALE: Scale = {
  budgetUsd: [200, 2000],
  adGroups: [2, 3],
  adsPerGroup: [2, 3],
  qualities: ['precise', 'broad', 'mismatched'],
};

function adGroupFor(
  random: Random,
  index: number,
  brand: string,
  vertical: Vertical,
  market: Market,
  objective: ObjectiveType,
  scale: Scale,
  options: CatalogOptions,
): CatalogAdGroup {
  // Every campaign with two ad groups compares a precise one with a broad one; more follow the scale's mix.
  const quality = index === 0 ? 'precise' : index === 1 ? 'broad' : pickOne(random, scale.qualities);
  const placement: PlacementGroup = index === 1 && bernoulli(random, 0.5) ? 'SEARCH' : bernoulli(random, 0.2) ? 'BROWSE' : 'ALL';
  const billableEvent = billableEventFor(random, objective);
  const budgetUsd = intBetween(random, scale.budgetUsd[0], scale.budgetUsd[1]);
  // CPC bids of 0.30–2.00 USD, CPM bids of 3–12 USD.
  const bidUsd = billableEvent === 'CLICKTHROUGH' ? intBetween(random, 30, 200) / 100 : intBetween(random, 300, 1200) / 100;
  // Distinct products (so distinct ad names) within the ad group: the seeder finds existing ads by name.
  const products = shuffled(random, vertical.products).slice(0, intBetween(random, scale.adsPerGroup[0], scale.adsPerGroup[1]));
  const ads = products.map((product) => creative(brand, vertical, product, options));
  return {
    name: `${{ precise: 'Core audience', broad: 'Broad reach', mismatched: 'Test audience' }[quality]} ${index + 1}${placement === 'ALL' ? '' : ` (${placement.toLowerCase()})`}`,
    billable_event: billableEvent,
    budget_type: 'DAILY',
    budget_in_micro_currency: budgetMicros(budgetUsd, market.currency),
    bid_in_micro_currency: bidMicros(bidUsd, market.currency, billableEvent, placement),
    placement_group: placement,
    pacing_delivery_type: bernoulli(random, 0.85) ? 'STANDARD' : 'ACCELERATED',
    targeting_spec: targetingFor(random, vertical, market, quality, placement),
    targetingQuality: quality,
    conversionType: vertical.conversionType,
    valueScale: vertical.valueScale,
    ads,
  };
}

function campaignsFor(random: Random, brand: string, verticalKey: VerticalKey, market: Market, count: number, scale: Scale, options: CatalogOptions): CatalogCampaign[] {
  const vertical: Vertical = VERTICALS[verticalKey];
  const themes = [...CAMPAIGN_THEMES];
  return Array.from({ length: count }, (_, c) => {
    const theme = themes.splice(Math.floor(random() * themes.length), 1)[0]!;
    const adGroups = Array.from({ length: intBetween(random, scale.adGroups[0], scale.adGroups[1]) }, (_, g) =>
      adGroupFor(random, g, brand, vertical, market, vertical.objective, scale, options),
    );
    return {
      name: `${theme} – ${brand}`,
      objective_type: vertical.objective,
      daily_spend_cap: null,
      // Long enough for a backfill of six quarters and more.
      startDaysAgo: 560 - c * 30,
      adGroups,
    };
  });
}

/** SMB number `index` of the catalog of `seed`: one account, one campaign. */
export function smbAdvertiser(seed: number, index: number, options: CatalogOptions = {}): CatalogAdvertiser {
  const random = streamRandom(seed, 'smb', index);
  const verticalKey = pickOne(random, VERTICAL_KEYS);
  const brand = pickOne(random, VERTICALS[verticalKey].brands);
  const market = pickOne(random, MARKETS.slice(0, 2));
  return {
    kind: 'SMB',
    name: brand,
    accounts: [{ name: brand, ...market, vertical: verticalKey, campaigns: campaignsFor(random, brand, verticalKey, market, 1, SMB_SCALE, options) }],
  };
}

/** An enterprise brand: one account per market, 2–4 campaigns each. */
export function enterpriseAdvertiser(seed: number, index: number, options: CatalogOptions = {}): CatalogAdvertiser {
  const random = streamRandom(seed, 'enterprise', index);
  const verticalKey = pickOne(random, VERTICAL_KEYS);
  const brand = pickOne(random, VERTICALS[verticalKey].brands);
  const markets = shuffled(random, MARKETS).slice(0, intBetween(random, 2, 4));
  return {
    kind: 'ENTERPRISE',
    name: brand,
    accounts: markets.map((market) => ({
      name: `${brand} ${market.country} (${market.currency})`,
      ...market,
      vertical: verticalKey,
      campaigns: campaignsFor(random, brand, verticalKey, market, intBetween(random, 2, 4), ENTERPRISE_SCALE, options),
    })),
  };
}

/** An agency managing one client account per market, each client a different brand and vertical. */
export function agencyAdvertiser(seed: number, name: string, markets: readonly Market[], options: CatalogOptions = {}): CatalogAdvertiser {
  const random = streamRandom(seed, 'agency', name);
  const verticals = shuffled(random, VERTICAL_KEYS);
  return {
    kind: 'AGENCY',
    name,
    accounts: markets.map((market, i) => {
      const verticalKey = verticals[i % verticals.length]!;
      const brand = pickOne(random, VERTICALS[verticalKey].brands);
      return {
        name: `${brand} ${market.country} (${market.currency})`,
        ...market,
        vertical: verticalKey,
        campaigns: campaignsFor(random, brand, verticalKey, market, intBetween(random, 2, 3), ENTERPRISE_SCALE, options),
      };
    }),
  };
}

export interface MarketplaceOptions extends CatalogOptions {
  seed: number;
  smbs: number;
  enterprises: number;
}

/** A whole marketplace's catalog: `smbs` SMBs and `enterprises` enterprise brands. */
export function generateCatalog(options: MarketplaceOptions): CatalogAdvertiser[] {
  return [
    ...Array.from({ length: options.smbs }, (_, i) => smbAdvertiser(options.seed, i, options)),
    ...Array.from({ length: options.enterprises }, (_, i) => enterpriseAdvertiser(options.seed, i, options)),
  ];
}

/** The SMB account of the demo (the name, market and vertical of the demo login's account). */
export const DEMO_SMB_ACCOUNT = { name: 'Demo Home & Garden Shop', country: 'US', currency: 'USD', timezone: 'America/New_York' } as const;

/** The agency's client markets in the demo: four currencies, four time zones. */
export const DEMO_AGENCY_MARKETS: readonly Market[] = [
  { country: 'US', currency: 'USD', timezone: 'America/Los_Angeles' },
  { country: 'GB', currency: 'GBP', timezone: 'Europe/London' },
  { country: 'DE', currency: 'EUR', timezone: 'Europe/Berlin' },
  { country: 'JP', currency: 'JPY', timezone: 'Asia/Tokyo' },
];

export interface DemoMarketplace {
  smb: CatalogAdvertiser;
  agency: CatalogAdvertiser;
}

/**
 * The demo marketplace the start command loads: the demo SMB (a home-decor shop with
 * one campaign of a precise and a broad ad group) and an agency managing four client
 * accounts in four currencies.
 */
export function demoMarketplace(seed: number, options: CatalogOptions = {}): DemoMarketplace {
  const random = streamRandom(seed, 'demo-smb');
  const market: Market = DEMO_SMB_ACCOUNT;
  const brand = DEMO_SMB_ACCOUNT.name;
  const campaigns = campaignsFor(random, brand, 'home_decor', market, 1, { ...SMB_SCALE, adGroups: [2, 2] }, options);
  return {
    smb: { kind: 'SMB', name: brand, accounts: [{ ...DEMO_SMB_ACCOUNT, vertical: 'home_decor', campaigns }] },
    agency: agencyAdvertiser(seed, 'Northwind Digital Agency', DEMO_AGENCY_MARKETS, options),
  };
}

/** The simulator's view of a catalog ad (what `decideImpression` needs). */
export function simAdOf(account: Pick<CatalogAccount, 'currency'>, adGroup: CatalogAdGroup, ad: CatalogAd): SimAd {
  return { category: ad.category, targeting: adGroup.targeting_spec, conversionType: adGroup.conversionType, valueScale: adGroup.valueScale, currency: account.currency };
}
