import { type AdAccount, type ReportDefinition } from '@loupe/contracts';
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { Field } from '../../../components/Field';
import {
  BREAKDOWNS,
  DIMENSION_LABELS,
  FILTER_DEVICES,
  FILTER_GENDERS,
  GRANULARITIES,
  GRANULARITY_LABELS,
  METRIC_LABELS,
  METRIC_OPTIONS,
  rangeOf,
  REPORT_PRESET_LABELS,
  REPORT_PRESETS,
  toDefinition,
  type BuilderState,
} from '../definition';

interface Props {
  state: BuilderState;
  onChange: (state: BuilderState) => void;
  /** Ad accounts the person may read reports on; the home account (the route's) cannot be removed. */
  accounts: readonly Pick<AdAccount, 'id' | 'name' | 'currency' | 'timezone'>[];
  homeAccountId: string;
  timeZone: string;
  now: Date;
  onRun: (definition: ReportDefinition) => void;
  running?: boolean;
}

/** The fields in the order they appear, so the first problem on screen gets focus. */
const FORM_ORDER = ['accounts', 'dates', 'breakdowns', 'metrics', 'campaignIds', 'locations'];

const toggle = <T,>(list: readonly T[], item: T, on: boolean): T[] => (on ? [...list.filter((x) => x !== item), item] : list.filter((x) => x !== item));

/**
 * The report builder: ad accounts, dates (presets or custom), granularity, breakdowns,
 * metrics and filters. Checked with the API's own schema on "Run report"; problems are
 * shown beside the field they concern and the first one gets focus.
 */
export function ReportBuilder({ state, onChange, accounts, homeAccountId, timeZone, now, onRun, running = false }: Props) {
  const id = useId();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (patch: Partial<BuilderState>) => onChange({ ...state, ...patch });
  const range = rangeOf(state, timeZone, now);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = event.currentTarget;
    const result = toDefinition(state, timeZone, now);
    if (!result.ok) {
      setErrors(result.errors);
      const first = FORM_ORDER.find((field) => result.errors[field] !== undefined);
      if (first) form.querySelector<HTMLElement>(`[data-field="${first}"]`)?.focus();
      return;
    }
    setErrors({});
    onRun(result.definition);
  };

  const fieldError = (name: string) =>
    errors[name] ? (
      <p id={`${id}-${name}-error`} className="field__error">
        {errors[name]}
      </p>
    ) : null;
  const described = (name: string) => (errors[name] ? `${id}-${name}-error` : undefined);

  return (
    <form aria-label="Report builder" className="report-builder" onSubmit={submit} noValidate>
      <fieldset className="report-builder__group" data-field="accounts" tabIndex={-1} aria-describedby={described('accounts')}>
        <legend>Ad accounts</legend>
        <div className="report-builder__options">
          {accounts.map((account) => (
            <label key={account.id} className="check">
              <input
                type="checkbox"
                checked={state.accountIds.includes(account.id)}
                disabled={account.id === homeAccountId && state.accountIds.length === 1 && state.accountIds[0] === homeAccountId}
                onChange={(e) => set({ accountIds: toggle(state.accountIds, account.id, e.target.checked) })}
              />
              {`${account.name} · ${account.currency}`}
            </label>
          ))}
        </div>
        {fieldError('accounts')}
      </fieldset>

      <fieldset className="report-builder__group" data-field="dates" tabIndex={-1} aria-describedby={described('dates') ?? `${id}-range`}>
        <legend>Date range</legend>
        <div className="segmented" role="radiogroup" aria-label="Date range preset">
          {REPORT_PRESETS.map((p) => (
            <label key={p} className={state.preset === p ? 'segmented__option segmented__option--on' : 'segmented__option'}>
              <input type="radio" name={`${id}-preset`} value={p} checked={state.preset === p} onChange={() => set({ preset: p, custom: p === 'custom' ? range : state.custom })} />
              {REPORT_PRESET_LABELS[p]}
            </label>
          ))}
        </div>
        {state.preset === 'custom' && (
          <div className="field-row">
            <label className="field">
              <span className="field__label">From</span>
              <input type="date" value={state.custom.start} onChange={(e) => e.target.value && set({ custom: { ...state.custom, start: e.target.value } })} />
            </label>
            <label className="field">
              <span className="field__label">To</span>
              <input type="date" value={state.custom.end} onChange={(e) => e.target.value && set({ custom: { ...state.custom, end: e.target.value } })} />
            </label>
          </div>
        )}
        <p id={`${id}-range`} className="muted">{`${range.start} → ${range.end}, each account’s days in its own timezone`}</p>
        {fieldError('dates')}
      </fieldset>

      <div className="field-row">
        <label className="field">
          <span className="field__label">Granularity</span>
          <select value={state.granularity} onChange={(e) => set({ granularity: e.target.value as BuilderState['granularity'] })}>
            {GRANULARITIES.map((g) => (
              <option key={g} value={g}>
                {GRANULARITY_LABELS[g]}
              </option>
            ))}
          </select>
        </label>
      </div>

      <CheckboxGroup
        legend="Break down by"
        field="breakdowns"
        options={BREAKDOWNS}
        label={(d) => DIMENSION_LABELS[d]}
        chosen={state.breakdowns}
        onChange={(breakdowns) => set({ breakdowns })}
        error={fieldError('breakdowns')}
        describedBy={described('breakdowns')}
      />
      <CheckboxGroup
        legend="Metrics"
        field="metrics"
        options={METRIC_OPTIONS}
        label={(m) => METRIC_LABELS[m]}
        chosen={state.metrics}
        onChange={(metrics) => set({ metrics })}
        error={fieldError('metrics')}
        describedBy={described('metrics')}
      />

      <details className="report-builder__filters" open={Boolean(state.campaignIds || state.locations || state.genders.length || state.devices.length || errors.campaignIds || errors.locations)}>
        <summary>Filters</summary>
        <div className="field-row">
          <Field label="Campaign ids" error={errors.campaignIds}>
            {(props) => <input {...props} data-field="campaignIds" value={state.campaignIds} placeholder="e.g. 687194767360, 687194767361" onChange={(e) => set({ campaignIds: e.target.value })} />}
          </Field>
          <Field label="Countries" error={errors.locations}>
            {(props) => <input {...props} data-field="locations" value={state.locations} placeholder="e.g. US, DE" onChange={(e) => set({ locations: e.target.value })} />}
          </Field>
        </div>
        <CheckboxGroup legend="Gender" options={FILTER_GENDERS} label={(g) => g} chosen={state.genders} onChange={(genders) => set({ genders })} />
        <CheckboxGroup legend="Device" options={FILTER_DEVICES} label={(d) => d} chosen={state.devices} onChange={(devices) => set({ devices })} />
      </details>
      {fieldError('form')}
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={running}>
          {running ? 'Running…' : 'Run report'}
        </button>
      </div>
    </form>
  );
}

interface CheckboxGroupProps<T extends string> {
  legend: string;
  options: readonly T[];
  label: (option: T) => string;
  chosen: readonly T[];
  onChange: (chosen: T[]) => void;
  /** Where a failed "Run report" sends focus (`data-field`), with its message and the id describing the group. */
  field?: string;
  error?: ReactNode;
  describedBy?: string;
}

/** A fieldset of checkboxes choosing a list, in the order the person ticked them. */
function CheckboxGroup<T extends string>({ legend, options, label, chosen, onChange, field, error, describedBy }: CheckboxGroupProps<T>) {
  return (
    <fieldset className="report-builder__group" data-field={field} tabIndex={field ? -1 : undefined} aria-describedby={describedBy}>
      <legend>{legend}</legend>
      <div className="report-builder__options">
        {options.map((option) => (
          <label key={option} className="check">
            <input type="checkbox" checked={chosen.includes(option)} onChange={(e) => onChange(toggle(chosen, option, e.target.checked))} />
            {label(option)}
          </label>
        ))}
      </div>
      {error}
    </fieldset>
  );
}
