import { COUNTRIES, INTERESTS } from '@loupe/contracts';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { Field, FormError } from '../../../components/Field';
import { errorMessage } from '../../../lib/apiErrors';
import { type FieldErrors } from '../../../lib/forms';
import { formatDateTime, todayIn } from '../../../lib/format';
import { currencySymbol, formatMoney, parseMoney } from '../../../lib/money';
import { type AdAccount } from '@loupe/contracts';
import { createAd, createAdGroup, createCampaign, createPin, fetchBidFloor } from '../api';
import {
  adGroupItemOf,
  AGE_OPTIONS,
  billableEventOf,
  campaignItemOf,
  DEVICE_OPTIONS,
  discardDraft,
  emptyDraft,
  GENDER_OPTIONS,
  keywordList,
  loadDraft,
  pinBodyOf,
  saveDraft,
  targetingSpecOf,
  validateStep,
  WIZARD_OBJECTIVES,
  WIZARD_STEPS,
  type Draft,
} from '../draft';
import { AudienceEstimate } from './AudienceEstimate';
import { BudgetSummary } from './BudgetSummary';
import { PinPreview } from './PinPreview';

const TOP_COUNTRIES = ['US', 'CA', 'GB', 'DE', 'FR', 'AU', 'BR', 'MX', 'IN', 'JP'];
const DEVICE_LABELS: Record<string, string> = {
  android_mobile: 'Android phone',
  android_tablet: 'Android tablet',
  ipad: 'iPad',
  iphone: 'iPhone',
  web: 'Desktop web',
  web_mobile: 'Mobile web',
};

interface Props {
  account: AdAccount;
  onLaunched: (campaignId: string) => void;
}

/** Objective → budget and schedule → targeting → creative → review and launch, saved as a draft on every step. */
export function CampaignWizard({ account, onLaunched }: Props) {
  const today = todayIn(account.timezone);
  const [resumed] = useState(() => loadDraft(account.id));
  const [draft, setDraft] = useState<Draft>(() => resumed ?? emptyDraft(today));
  const [errors, setErrors] = useState<FieldErrors>({});
  const [launching, setLaunching] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const queryClient = useQueryClient();
  const currency = account.currency;

  // Saving is a side effect, so it happens here and never inside a state updater (React may run those twice, or late).
  const latest = useRef(draft);
  latest.current = draft;
  const persist = (next: Draft) => {
    const saved = saveDraft(account.id, next);
    latest.current = saved;
    setDraft(saved);
  };
  const update = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const toggle = <K extends 'interests' | 'locations' | 'ageBuckets' | 'genders' | 'devices'>(key: K, value: Draft[K][number]) =>
    setDraft((d) => {
      const list = d[key] as string[];
      return { ...d, [key]: list.includes(value) ? list.filter((v) => v !== value) : [...list, value] };
    });

  useEffect(() => headingRef.current?.focus(), [draft.step]);

  const billableEvent = billableEventOf(draft.objective);
  const bidFloor = useQuery({
    queryKey: ['ad-accounts', account.id, 'bid-floor', billableEvent],
    queryFn: ({ signal }) => fetchBidFloor(account.id, billableEvent, signal),
    enabled: draft.bidStrategy === 'MAX_BID',
    staleTime: 60 * 60_000,
  });
  const floorMicros = draft.bidStrategy === 'MAX_BID' ? bidFloor.data : undefined;

  const goTo = (step: number) => {
    if (step > draft.step) {
      const found = validateStep(draft.step, draft, currency, today, floorMicros);
      setErrors(found);
      if (Object.keys(found).length > 0) return;
    } else setErrors({});
    persist({ ...latest.current, step });
  };

  const launch = async () => {
    for (let step = 0; step < 4; step += 1) {
      const found = validateStep(step, draft, currency, today, floorMicros);
      if (Object.keys(found).length > 0) {
        setErrors(found);
        setDraft((d) => ({ ...d, step }));
        return;
      }
    }
    setErrors({});
    let progress = { ...draft.launched };
    const record = (patch: Partial<Draft['launched']>) => {
      progress = { ...progress, ...patch };
      persist({ ...latest.current, launched: progress });
    };
    try {
      setLaunching('Creating the campaign…');
      if (!progress.campaignId) record({ campaignId: (await createCampaign(account.id, campaignItemOf(draft))).id });
      setLaunching('Creating the ad group…');
      if (!progress.adGroupId) record({ adGroupId: (await createAdGroup(account.id, adGroupItemOf(draft, progress.campaignId!, currency, account.timezone, todayIn(account.timezone)))).id });
      setLaunching('Creating the pin…');
      if (!progress.pinId) record({ pinId: (await createPin(account.id, pinBodyOf(draft))).id });
      setLaunching('Creating the ad…');
      if (!progress.adId) {
        const ad = await createAd(account.id, {
          ad_group_id: progress.adGroupId!,
          pin_id: progress.pinId!,
          creative_type: 'REGULAR',
          destination_url: draft.link.trim() || null,
          name: draft.title || draft.campaignName,
          status: 'ACTIVE',
        });
        record({ adId: ad.id });
      }
      discardDraft(account.id);
      await queryClient.invalidateQueries({ queryKey: ['ad-accounts', account.id] });
      onLaunched(progress.campaignId!);
    } catch (error) {
      setErrors({ _form: `${errorMessage(error)} What was created so far is kept; fix the problem and launch again to finish.` });
    } finally {
      setLaunching(null);
    }
  };

  const startOver = () => {
    discardDraft(account.id);
    setErrors({});
    setDraft(emptyDraft(today));
  };

  const step = draft.step;
  return (
    <div className="wizard">
      <ol className="wizard__steps" aria-label="Steps">
        {WIZARD_STEPS.map((name, i) => (
          <li key={name} aria-current={i === step ? 'step' : undefined} className={i < step ? 'done' : undefined}>
            <span className="wizard__step-number">{i + 1}</span> {name}
          </li>
        ))}
      </ol>
      {resumed?.savedAt && (
        <p className="muted">
          {`Resumed your draft saved ${formatDateTime(Math.floor(resumed.savedAt / 1000), account.timezone)}. `}
          <button type="button" className="link-button" onClick={startOver}>
            Start over
          </button>
        </p>
      )}
      <form
        className="form wizard__body"
        noValidate
        aria-labelledby="wizard-step-title"
        onSubmit={(e) => {
          e.preventDefault();
          if (step < 4) goTo(step + 1);
          else void launch();
        }}
      >
        <h2 id="wizard-step-title" tabIndex={-1} ref={headingRef}>
          {`Step ${step + 1} of ${WIZARD_STEPS.length}: ${WIZARD_STEPS[step]}`}
        </h2>
        <FormError message={errors._form} />
        {step === 0 && (
          <>
            <fieldset className="fieldset" aria-describedby={errors.objective ? 'objective-error' : undefined}>
              <legend>What should this campaign achieve?</legend>
              <div className="choice-cards">
                {WIZARD_OBJECTIVES.map((o) => (
                  <label key={o.value} className={`choice-card${draft.objective === o.value ? ' choice-card--selected' : ''}`}>
                    <input type="radio" name="objective" value={o.value} checked={draft.objective === o.value} onChange={() => update({ objective: o.value })} />
                    <strong>{o.label}</strong>
                    <span className="muted">{o.description}</span>
                  </label>
                ))}
              </div>
              {errors.objective && (
                <p id="objective-error" className="field__error">
                  {errors.objective}
                </p>
              )}
            </fieldset>
            <Field label="Campaign name" error={errors.campaignName}>
              {(p) => <input {...p} value={draft.campaignName} onChange={(e) => update({ campaignName: e.target.value })} />}
            </Field>
          </>
        )}
        {step === 1 && (
          <>
            <fieldset className="fieldset">
              <legend>Budget</legend>
              <div className="segmented">
                {(['DAILY', 'LIFETIME'] as const).map((t) => (
                  <label key={t}>
                    <input type="radio" name="budgetType" checked={draft.budgetType === t} onChange={() => update({ budgetType: t })} />
                    {t === 'DAILY' ? 'Daily budget' : 'Lifetime budget'}
                  </label>
                ))}
              </div>
              <Field label={`${draft.budgetType === 'DAILY' ? 'Daily' : 'Lifetime'} budget (${currencySymbol(currency)}, ${currency})`} error={errors.budget}>
                {(p) => <input {...p} inputMode="decimal" value={draft.budget} onChange={(e) => update({ budget: e.target.value })} />}
              </Field>
              <BudgetSummary draft={draft} currency={currency} />
            </fieldset>
            <fieldset className="fieldset">
              <legend>{`Schedule (${account.timezone})`}</legend>
              <div className="field-row">
                <Field label="Start date" error={errors.startDate}>
                  {(p) => <input {...p} type="date" min={today} value={draft.startDate} onChange={(e) => update({ startDate: e.target.value })} />}
                </Field>
                <Field label={draft.budgetType === 'LIFETIME' ? 'End date' : 'End date (optional)'} error={errors.endDate}>
                  {(p) => <input {...p} type="date" min={draft.startDate} value={draft.endDate} onChange={(e) => update({ endDate: e.target.value })} />}
                </Field>
              </div>
            </fieldset>
            <fieldset className="fieldset">
              <legend>Bidding</legend>
              <div className="segmented">
                <label>
                  <input type="radio" name="bidStrategy" checked={draft.bidStrategy === 'AUTOMATIC_BID'} onChange={() => update({ bidStrategy: 'AUTOMATIC_BID' })} />
                  Automatic
                </label>
                <label>
                  <input type="radio" name="bidStrategy" checked={draft.bidStrategy === 'MAX_BID'} onChange={() => update({ bidStrategy: 'MAX_BID' })} />
                  Maximum bid
                </label>
              </div>
              {draft.bidStrategy === 'MAX_BID' && (
                <Field
                  label={`Maximum bid ${billableEvent === 'IMPRESSION' ? 'per 1,000 impressions' : 'per click'} (${currency})`}
                  error={errors.bid}
                  hint={floorMicros === undefined ? undefined : `At least ${formatMoney(floorMicros, currency)} (the bid floor); at most the budget.`}
                >
                  {(p) => <input {...p} inputMode="decimal" value={draft.bid} onChange={(e) => update({ bid: e.target.value })} />}
                </Field>
              )}
            </fieldset>
            <fieldset className="fieldset">
              <legend>Delivery</legend>
              <div className="segmented">
                <label>
                  <input type="radio" name="pacing" checked={(draft.pacing ?? 'STANDARD') === 'STANDARD'} onChange={() => update({ pacing: 'STANDARD' })} />
                  Standard: spread over the day
                </label>
                <label>
                  <input type="radio" name="pacing" checked={draft.pacing === 'ACCELERATED'} onChange={() => update({ pacing: 'ACCELERATED' })} />
                  Accelerated: as fast as it wins
                </label>
              </div>
            </fieldset>
          </>
        )}
        {step === 2 && (
          <div className="wizard__targeting">
            <div>
              <CheckboxGroup legend="Locations" hint="No location means everywhere.">
                {TOP_COUNTRIES.map((c) => (
                  <Check key={c} label={regionName(c)} checked={draft.locations.includes(c)} onChange={() => toggle('locations', c)} />
                ))}
              </CheckboxGroup>
              <Field label="Other countries (ISO codes, comma separated)" error={errors.locations}>
                {(p) => (
                  <input
                    {...p}
                    value={draft.locations.filter((c) => !TOP_COUNTRIES.includes(c)).join(', ')}
                    onChange={(e) => {
                      const extra = e.target.value
                        .split(',')
                        .map((c) => c.trim().toUpperCase())
                        .filter((c) => (COUNTRIES as readonly string[]).includes(c));
                      update({ locations: [...draft.locations.filter((c) => TOP_COUNTRIES.includes(c)), ...extra] });
                    }}
                  />
                )}
              </Field>
              <CheckboxGroup legend="Interests" hint="People interested in any of these.">
                {INTERESTS.map((i) => (
                  <Check key={i.id} label={i.name} checked={draft.interests.includes(i.id)} onChange={() => toggle('interests', i.id)} />
                ))}
              </CheckboxGroup>
              <Field label="Keywords (one per line)" error={errors.keywords} hint="Shown to people searching for them (broad match).">
                {(p) => <textarea {...p} rows={3} value={draft.keywords} onChange={(e) => update({ keywords: e.target.value })} />}
              </Field>
              <CheckboxGroup legend="Age">
                {AGE_OPTIONS.map((a) => (
                  <Check key={a} label={a} checked={draft.ageBuckets.includes(a)} onChange={() => toggle('ageBuckets', a)} />
                ))}
              </CheckboxGroup>
              <CheckboxGroup legend="Gender">
                {GENDER_OPTIONS.map((g) => (
                  <Check key={g} label={g.charAt(0).toUpperCase() + g.slice(1)} checked={draft.genders.includes(g)} onChange={() => toggle('genders', g)} />
                ))}
              </CheckboxGroup>
              <CheckboxGroup legend="Devices">
                {DEVICE_OPTIONS.map((d) => (
                  <Check key={d} label={DEVICE_LABELS[d] ?? d} checked={draft.devices.includes(d)} onChange={() => toggle('devices', d)} />
                ))}
              </CheckboxGroup>
            </div>
            <AudienceEstimate accountId={account.id} spec={targetingSpecOf(draft)} />
          </div>
        )}
        {step === 3 && (
          <div className="wizard__creative">
            <div>
              <Field label="Image URL" error={errors.imageUrl} hint="A 2:3 image works best, hosted on your site (https://…).">
                {(p) => <input {...p} type="url" value={draft.imageUrl} onChange={(e) => update({ imageUrl: e.target.value })} />}
              </Field>
              <Field label="Title" error={errors.title} hint={`${draft.title.length}/100`}>
                {(p) => <input {...p} maxLength={100} value={draft.title} onChange={(e) => update({ title: e.target.value })} />}
              </Field>
              <Field label="Description" error={errors.description} hint={`${draft.description.length}/800`}>
                {(p) => <textarea {...p} rows={3} maxLength={800} value={draft.description} onChange={(e) => update({ description: e.target.value })} />}
              </Field>
              <Field label="Destination link" error={errors.link}>
                {(p) => <input {...p} type="url" value={draft.link} onChange={(e) => update({ link: e.target.value })} />}
              </Field>
            </div>
            <PinPreview imageUrl={draft.imageUrl} title={draft.title} description={draft.description} link={draft.link} />
          </div>
        )}
        {step === 4 && <Review draft={draft} account={account} />}
        <div className="button-row wizard__nav">
          {step > 0 && (
            <button type="button" className="button" onClick={() => goTo(step - 1)} disabled={launching !== null}>
              Back
            </button>
          )}
          <button type="submit" className="button button--primary" disabled={launching !== null}>
            {step < 4 ? 'Continue' : (launching ?? 'Launch campaign')}
          </button>
          <button
            type="button"
            className="button button--quiet"
            onClick={() => persist(latest.current)}
            disabled={launching !== null}
          >
            Save draft
          </button>
          {draft.savedAt && <span className="muted">{`Draft saved ${formatDateTime(Math.floor(draft.savedAt / 1000), account.timezone)}`}</span>}
        </div>
      </form>
    </div>
  );
}

function Review({ draft, account }: { draft: Draft; account: AdAccount }) {
  const budget = parseMoney(draft.budget, account.currency);
  const bid = parseMoney(draft.bid, account.currency);
  const spec = targetingSpecOf(draft);
  const list = (values: readonly string[], everyone = 'Everyone') => (values.length ? values.join(', ') : everyone);
  return (
    <div className="wizard__review">
      <dl className="review-list">
        <dt>Campaign</dt>
        <dd>{`${draft.campaignName} · ${WIZARD_OBJECTIVES.find((o) => o.value === draft.objective)?.label ?? ''}`}</dd>
        <dt>Budget</dt>
        <dd>{budget.ok ? `${formatMoney(budget.micros, account.currency)} ${draft.budgetType === 'DAILY' ? 'per day' : 'in total'}` : '—'}</dd>
        <dt>Schedule</dt>
        <dd>{`${draft.startDate} → ${draft.endDate || 'no end date'} (${account.timezone})`}</dd>
        <dt>Bid</dt>
        <dd>{draft.bidStrategy === 'AUTOMATIC_BID' ? 'Automatic' : bid.ok ? formatMoney(bid.micros, account.currency) : '—'}</dd>
        <dt>Delivery</dt>
        <dd>{draft.pacing === 'ACCELERATED' ? 'Accelerated' : 'Standard'}</dd>
        <dt>Locations</dt>
        <dd>{list(spec.LOCATION ?? [], 'Everywhere')}</dd>
        <dt>Interests</dt>
        <dd>{list((spec.INTEREST ?? []).map((id) => INTERESTS.find((i) => i.id === id)?.name ?? id), 'Any')}</dd>
        <dt>Keywords</dt>
        <dd>{list(keywordList(draft.keywords), 'None')}</dd>
        <dt>Age · gender · devices</dt>
        <dd>{`${list(draft.ageBuckets, 'All ages')} · ${list(draft.genders, 'All genders')} · ${list(draft.devices, 'All devices')}`}</dd>
        <dt>Destination</dt>
        <dd>{draft.link}</dd>
      </dl>
      <PinPreview imageUrl={draft.imageUrl} title={draft.title} description={draft.description} link={draft.link} />
      <p className="muted review-note">Launching creates the campaign, its ad group, the pin and the ad, all active.</p>
    </div>
  );
}

function CheckboxGroup({ legend, hint, children }: { legend: string; hint?: string; children: ReactNode }) {
  return (
    <fieldset className="fieldset checkbox-group">
      <legend>{legend}</legend>
      {hint && <p className="field__hint">{hint}</p>}
      <div className="checkbox-group__items">{children}</div>
    </fieldset>
  );
}

function Check({ label, checked, onChange }: { label: string; checked: boolean; onChange: () => void }) {
  return (
    <label className="checkbox">
      <input type="checkbox" checked={checked} onChange={onChange} /> {label}
    </label>
  );
}

const regionNames = (() => {
  try {
    return new Intl.DisplayNames(['en'], { type: 'region' });
  } catch {
    return null;
  }
})();
function regionName(code: string): string {
  return regionNames?.of(code) ?? code;
}
