import { useId } from 'react';
import { PRESET_LABELS, RANGE_PRESETS, type DateRange, type RangePreset, type ResolvedRange } from '../dateRange';

interface Props {
  preset: RangePreset;
  custom: DateRange;
  resolved: ResolvedRange;
  timeZone: string;
  onPreset: (preset: RangePreset) => void;
  onCustom: (range: DateRange) => void;
  /** Whether to name the previous period the figures are compared with (the overview does; the grids do not compare). */
  showComparison?: boolean;
}

/** Presets as a radio group (arrow keys move between them), custom dates as two date inputs. */
export function DateRangeControl({ preset, custom, resolved, timeZone, onPreset, onCustom, showComparison = true }: Props) {
  const id = useId();
  return (
    <div className="range-control">
      <fieldset className="segmented" aria-describedby={`${id}-range`}>
        <legend className="visually-hidden">Date range</legend>
        {RANGE_PRESETS.map((p) => (
          <label key={p} className={preset === p ? 'segmented__option segmented__option--on' : 'segmented__option'}>
            <input type="radio" name={`${id}-preset`} value={p} checked={preset === p} onChange={() => onPreset(p)} />
            {PRESET_LABELS[p]}
          </label>
        ))}
      </fieldset>
      {preset === 'custom' && (
        <div className="field-row range-control__custom">
          <label className="field">
            <span className="field__label">From</span>
            <input type="date" value={custom.start} max={custom.end} onChange={(e) => e.target.value && onCustom({ ...custom, start: e.target.value })} />
          </label>
          <label className="field">
            <span className="field__label">To</span>
            <input type="date" value={custom.end} min={custom.start} onChange={(e) => e.target.value && onCustom({ ...custom, end: e.target.value })} />
          </label>
        </div>
      )}
      <p id={`${id}-range`} className="muted range-control__summary">
        {`${resolved.start} → ${resolved.end} (${resolved.days} ${resolved.days === 1 ? 'day' : 'days'}, ${timeZone})`}
        {!showComparison
          ? ''
          : resolved.previous
            ? ` · compared with ${resolved.previous.start} → ${resolved.previous.end}`
            : ' · no comparison: the previous period of equal length starts before the 90 days the analytics API keeps'}
      </p>
      {resolved.clampedBecause && (
        <p role="note" className="callout callout--warning">
          {resolved.clampedBecause}
        </p>
      )}
    </div>
  );
}
