import { type Ad, type AdAccount, type AdAccountRole, type AdGroup, type Campaign, type Pin } from '@loupe/contracts';
import { vi } from 'vitest';
import { jsonResponse } from './render';

export interface StubCall {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
  authorization: string | null;
}

type Answer = (call: StubCall) => Response | Promise<Response>;

/**
 * Stubs `fetch` with answers keyed by "METHOD /path" (query string ignored for the key).
 * An answer may be a list, used in order, the last one repeating. Unknown routes answer
 * 404 in the API's error shape, so a test never silently hits nothing.
 */
export function stubApi(routes: Record<string, Answer | Answer[]>) {
  const calls: StubCall[] = [];
  const used = new Map<string, number>();
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input), 'http://loupe.test');
    const method = (init?.method ?? 'GET').toUpperCase();
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const call: StubCall = { method, path: url.pathname, query: url.searchParams, body, authorization: new Headers(init?.headers).get('authorization') };
    calls.push(call);
    const key = `${method} ${url.pathname}`;
    const answer = routes[key];
    if (!answer) return jsonResponse({ code: 4, message: `No stub for ${key}.` }, 404);
    if (Array.isArray(answer)) {
      const index = used.get(key) ?? 0;
      used.set(key, index + 1);
      return answer[Math.min(index, answer.length - 1)]!(call);
    }
    return answer(call);
  });
  vi.stubGlobal('fetch', fetchMock);
  return { calls, fetchMock, callsTo: (key: string) => calls.filter((c) => `${c.method} ${c.path}` === key) };
}

export const ok = (body: unknown, status = 200): Answer => () => jsonResponse(body, status);
export const fail = (status: number, code: number, message: string): Answer => () => jsonResponse({ code, message }, status);
export const noContent: Answer = () => new Response(null, { status: 204 });

export function adAccount(overrides: Partial<AdAccount> & { role?: AdAccountRole } = {}): AdAccount {
  const { role = 'ADMIN', ...rest } = overrides;
  return {
    id: '100',
    name: 'Clay & Co',
    owner: { id: '1', username: 'clay' },
    country: 'US',
    currency: 'USD',
    timezone: 'America/New_York',
    permissions: [role],
    created_time: 1_767_225_600,
    updated_time: 1_767_225_600,
    ...rest,
  };
}

const T = 1_767_225_600;

export function campaign(overrides: Partial<Campaign> = {}): Campaign {
  return {
    id: '501',
    ad_account_id: '100',
    name: 'Spring mugs',
    status: 'ACTIVE',
    objective_type: 'AWARENESS',
    daily_spend_cap: null,
    lifetime_spend_cap: null,
    start_time: T,
    end_time: null,
    order_line_id: null,
    tracking_urls: null,
    is_flexible_daily_budgets: false,
    is_automated_campaign: false,
    is_campaign_budget_optimization: false,
    is_performance_plus: false,
    default_ad_group_budget_in_micro_currency: null,
    bid_options: null,
    summary_status: 'RUNNING',
    type: 'campaign',
    created_time: T,
    updated_time: T,
    ...overrides,
  };
}

export function adGroup(overrides: Partial<AdGroup> = {}): AdGroup {
  return {
    id: '601',
    ad_account_id: '100',
    campaign_id: '501',
    name: 'Spring mugs · ad group',
    status: 'ACTIVE',
    budget_in_micro_currency: 50_000_000,
    bid_in_micro_currency: 2_000_000,
    bid_strategy_type: 'MAX_BID',
    budget_type: 'DAILY',
    billable_event: 'CLICKTHROUGH',
    start_time: T,
    end_time: null,
    targeting_spec: {},
    daily_frequency_cap: null,
    tracking_urls: null,
    auto_targeting_enabled: false,
    placement_group: 'ALL',
    pacing_delivery_type: 'STANDARD',
    is_creative_optimization: false,
    promotion_id: null,
    promotion_application_level: null,
    targeting_template_ids: null,
    bid_multiplier: null,
    conversion_learning_mode_type: null,
    summary_status: 'RUNNING',
    type: 'adgroup',
    created_time: T,
    updated_time: T,
    ...overrides,
  };
}

export function pin(overrides: Partial<Pin> = {}): Pin {
  const image = { url: 'https://images.example.com/mug.jpg', width: null, height: null };
  return {
    id: '701',
    created_at: '2026-01-01T00:00:00Z',
    link: 'https://clay.example.com/spring',
    title: 'Handmade mugs',
    description: null,
    alt_text: null,
    dominant_color: null,
    board_id: '901',
    board_section_id: null,
    board_owner: { username: 'clay' },
    parent_pin_id: null,
    is_owner: true,
    is_standard: true,
    has_been_promoted: false,
    creative_type: 'REGULAR',
    media: { media_type: 'image', images: { '150x150': image, '400x300': image, '600x': image, '1200x': image } },
    pin_metrics: null,
    ...overrides,
  };
}

export function ad(overrides: Partial<Ad> = {}): Ad {
  return {
    id: '801',
    ad_account_id: '100',
    campaign_id: '501',
    ad_group_id: '601',
    pin_id: '701',
    type: 'pinpromotion',
    name: 'Handmade mugs',
    creative_type: 'REGULAR',
    status: 'ACTIVE',
    destination_url: 'https://clay.example.com/spring',
    click_tracking_url: null,
    view_tracking_url: null,
    tracking_urls: null,
    android_deep_link: null,
    ios_deep_link: null,
    customizable_cta_type: null,
    grid_click_type: 'DIRECT_TO_DESTINATION',
    is_pin_deleted: false,
    is_removable: true,
    carousel_android_deep_links: null,
    carousel_destination_urls: null,
    carousel_ios_deep_links: null,
    collection_items_destination_url_template: null,
    disclosure_type: null,
    disclosure_url: null,
    lead_form_id: null,
    quiz_pin_data: null,
    review_status: 'APPROVED',
    rejected_reasons: [],
    rejection_labels: [],
    summary_status: 'APPROVED',
    created_time: T,
    updated_time: T,
    ...overrides,
  };
}

/** A bulk answer of one successful item. */
export const bulkOk = (data: unknown): Answer => ok({ items: [{ data, exceptions: [] }] });
/** A bulk answer of one failed item (HTTP 200, as the API answers bulk writes). */
export const bulkFail = (message: string, code = 1): Answer => ok({ items: [{ exceptions: [{ code, message }] }] });
