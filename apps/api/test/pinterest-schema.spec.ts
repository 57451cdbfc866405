import { describe, expect, it } from 'vitest';
import { expectPinterest, nullableToJsonSchema, pinterestValidator } from './support/pinterest-schema';

/**
 * The shared validator of Pinterest's component schemas must accept what Pinterest
 * documents and keep refusing what it does not: rewriting `nullable` for ajv must not
 * let anything through but `null`.
 */

const pin = {
  id: '813744226',
  created_at: '2024-05-01T12:00:00.000Z',
  board_id: '549755885175',
  board_owner: { username: 'loupe' },
  board_section_id: null,
  title: 'Linen sofa',
  description: 'A sofa for slow Sundays',
  link: 'https://shop.example.com/sofa',
  alt_text: 'A beige linen sofa',
  dominant_color: null,
  is_owner: true,
  is_standard: true,
  has_been_promoted: false,
  creative_type: 'REGULAR',
  parent_pin_id: null,
  pin_metrics: null,
  media: { media_type: 'image', images: { '600x': { url: 'https://cdn.example.com/sofa.jpg', width: 600, height: 400 } } },
};

const adAccount = {
  id: '549755885175',
  name: 'Test Account',
  owner: { id: '383791336903426391', username: 'owner' },
  country: 'US',
  currency: 'USD',
  permissions: ['ADMIN'],
  created_time: 1_714_564_800,
  updated_time: null,
};

const campaign = {
  id: '549755885176',
  ad_account_id: '549755885175',
  name: 'Spring sale',
  status: 'ACTIVE',
  objective_type: 'CONSIDERATION',
  summary_status: 'RUNNING',
  type: 'campaign',
  daily_spend_cap: null,
  lifetime_spend_cap: 500_000_000,
  start_time: 1_714_564_800,
  end_time: null,
  order_line_id: null,
  tracking_urls: null,
  is_flexible_daily_budgets: false,
  is_automated_campaign: false,
  is_performance_plus: false,
  created_time: 1_714_564_800,
  updated_time: 1_714_564_800,
};

const without = (body: Record<string, unknown>, key: string) => Object.fromEntries(Object.entries(body).filter(([k]) => k !== key));

describe('pinterest-schema: the shared validator of Pinterest components', () => {
  it.each([
    ['Pin', 'as Loupe answers it', pin],
    ['Pin', 'with a null creative_type', { ...pin, creative_type: null }],
    ['Pin', 'with its id only', { id: '1' }],
    ['AdAccount', 'as Loupe answers it', adAccount],
    ['AdAccount', 'with its id only', { id: '1' }],
    ['CampaignResponse', 'as Loupe answers it', campaign],
    ['CampaignResponse', 'paused with a daily cap', { ...campaign, status: 'PAUSED', summary_status: 'PAUSED', daily_spend_cap: 20_000_000, lifetime_spend_cap: null }],
  ])('accepts a %s %s', (component, _case, body) => {
    const validate = pinterestValidator(component);
    expect(validate(body), JSON.stringify(validate.errors)).toBe(true);
    expect(() => expectPinterest(component, body)).not.toThrow();
  });

  it.each([
    ['Pin', 'a numeric id', { ...pin, id: 813744226 }, '/id must be string'],
    ['Pin', 'no id', without(pin, 'id'), "must have required property 'id'"],
    ['Pin', 'an id that is not digits', { ...pin, id: 'P123' }, '/id must match pattern'],
    ['Pin', 'an unknown creative_type', { ...pin, creative_type: 'HOLOGRAM' }, '/creative_type must be equal to one of the allowed values'],
    ['Pin', 'a numeric creative_type', { ...pin, creative_type: 7 }, '/creative_type must be string'],
    ['Pin', 'a title over 100 characters', { ...pin, title: 'x'.repeat(101) }, '/title must NOT have more than 100 characters'],
    ['Pin', 'a string is_owner', { ...pin, is_owner: 'yes' }, '/is_owner must be boolean'],
    ['Pin', 'a created_at that is no date-time', { ...pin, created_at: 'yesterday' }, '/created_at must match format "date-time"'],
    ['Pin', 'an unknown media_type', { ...pin, media: { media_type: 'hologram' } }, '/media/media_type must be equal to one of the allowed values'],
    ['Pin', 'that is a string', 'not an object', ' must be object'],
    ['AdAccount', 'a numeric id', { ...adAccount, id: 549755885175 }, '/id must be string'],
    ['AdAccount', 'no id', without(adAccount, 'id'), "must have required property 'id'"],
    ['AdAccount', 'an unknown currency', { ...adAccount, currency: 'XXX' }, '/currency must be equal to one of the allowed values'],
    ['AdAccount', 'an unknown country', { ...adAccount, country: 'ZZ' }, '/country must be equal to one of the allowed values'],
    ['AdAccount', 'an unknown permission', { ...adAccount, permissions: ['OWNER_OF_EVERYTHING'] }, '/permissions/0 must be equal to one of the allowed values'],
    ['AdAccount', 'a name over 256 characters', { ...adAccount, name: 'x'.repeat(257) }, '/name must NOT have more than 256 characters'],
    ['CampaignResponse', 'a numeric id', { ...campaign, id: 549755885176 }, '/id must be string'],
    ['CampaignResponse', 'a "C"-prefixed id', { ...campaign, id: 'C549755885176' }, '/id must match pattern'],
    ['CampaignResponse', 'a summary status as status', { ...campaign, status: 'RUNNING' }, '/status must be equal to one of the allowed values'],
    ['CampaignResponse', 'an unknown objective_type', { ...campaign, objective_type: 'SALES' }, '/objective_type must be equal to one of the allowed values'],
    ['CampaignResponse', 'an unknown summary_status', { ...campaign, summary_status: 'LIVE' }, '/summary_status must be equal to one of the allowed values'],
    ['CampaignResponse', 'a string daily_spend_cap', { ...campaign, daily_spend_cap: '20000000' }, '/daily_spend_cap must be integer'],
    ['CampaignResponse', 'a date string as created_time', { ...campaign, created_time: '2024-05-01' }, '/created_time must be integer'],
  ])('rejects a %s with %s', (component, _case, body, error) => {
    const validate = pinterestValidator(component);
    expect(validate(body)).toBe(false);
    expect(validate.errors!.map((e) => `${e.instancePath} ${e.message}`)).toContainEqual(expect.stringContaining(error));
    expect(() => expectPinterest(component, body)).toThrow(`Response is not a valid Pinterest ${component}`);
  });

  it.each(['Pin', 'AssetIdPermissions', 'ConversionTagCommon', 'ProductGroupPromotionResponseItem', 'SSIOOrderLine', 'UpdatableItemAttributes'])(
    'compiles %s, whose schema has `nullable` without a `type`',
    (component) => {
      expect(pinterestValidator(component)).toBeTypeOf('function');
    },
  );

  it('refuses a component the spec does not have', () => {
    expect(() => pinterestValidator('NoSuchComponent')).toThrow('no component schema NoSuchComponent');
  });

  describe('nullableToJsonSchema', () => {
    it('turns `nullable` without `type` into anyOf [schema, null], deep inside the tree', () => {
      const creativeType = { allOf: [{ $ref: '#/components/schemas/CreativeType' }], nullable: true, readOnly: true };
      expect(nullableToJsonSchema({ properties: { creative_type: creativeType, list: { items: { $ref: '#/x', nullable: true } } } })).toEqual({
        properties: {
          creative_type: { anyOf: [{ allOf: [{ $ref: '#/components/schemas/CreativeType' }], readOnly: true }, { type: 'null' }] },
          list: { items: { anyOf: [{ $ref: '#/x' }, { type: 'null' }] } },
        },
      });
    });

    it('leaves `nullable` next to a `type`, `nullable: false` and everything else as it is', () => {
      const node = { type: 'object', properties: { a: { type: 'string', nullable: true }, b: { $ref: '#/y', nullable: false } }, required: ['a'], enum: [null, 1] };
      expect(nullableToJsonSchema(node)).toEqual(node);
    });
  });
});
