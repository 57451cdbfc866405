import { closePeriodBodySchema, type FinancePeriod } from '@loupe/contracts';
import { useEffect, useId, useRef, useState } from 'react';
import { errorMessage } from '../../../lib/apiErrors';
import { localDateLabel, periodLabel } from '../periods';

interface Props {
  period: FinancePeriod;
  onConfirm: (note: string | undefined) => Promise<void>;
  onCancel: () => void;
}

/**
 * "Close July 2026?": what closing does (the month's figures freeze, late events become
 * restatements in the next open month), an optional note, and the API's refusal if any.
 * A modal dialog: focus moves into it, Escape cancels, and focus returns to the opener.
 */
export function CloseMonthDialog({ period, onConfirm, onCancel }: Props) {
  const id = useId();
  const [note, setNote] = useState('');
  const [noteError, setNoteError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const firstField = useRef<HTMLTextAreaElement>(null);
  const label = periodLabel(period.period);

  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    firstField.current?.focus();
    return () => opener?.focus();
  }, []);

  const submit = async () => {
    const trimmed = note.trim();
    const parsed = closePeriodBodySchema.safeParse(trimmed === '' ? {} : { note: trimmed });
    if (!parsed.success) {
      setNoteError(parsed.error.issues[0]?.message ?? 'Check the note.');
      return;
    }
    setNoteError(null);
    setError(null);
    setBusy(true);
    try {
      await onConfirm(parsed.data.note);
    } catch (e) {
      setError(errorMessage(e));
      setBusy(false);
    }
  };

  return (
    <div className="dialog-backdrop">
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-what`}
        className="dialog"
        onKeyDown={(e) => {
          if (e.key === 'Escape' && !busy) onCancel();
          if (e.key !== 'Tab') return;
          // Keep Tab inside the modal: from the last control back to the first, and the reverse.
          const focusable = [...e.currentTarget.querySelectorAll<HTMLElement>('textarea, button:not([disabled])')];
          const first = focusable[0];
          const last = focusable[focusable.length - 1];
          if (!e.shiftKey && document.activeElement === last) {
            e.preventDefault();
            first?.focus();
          } else if (e.shiftKey && document.activeElement === first) {
            e.preventDefault();
            last?.focus();
          }
        }}
      >
        <h2 id={`${id}-title`}>Close {label}?</h2>
        <p id={`${id}-what`}>
          The figures of {localDateLabel(period.start_date)} to {localDateLabel(period.end_date)} ({period.timezone}) are frozen for its invoice,
          which is issued. Events for {label} that arrive later are not lost: they are booked as dated restatements in the next open month.
          Closing cannot be undone.
        </p>
        <form
          aria-label={`Close ${label}`}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <label className="field">
            <span className="field__label">Note (optional)</span>
            <textarea
              ref={firstField}
              value={note}
              rows={2}
              aria-invalid={noteError ? true : undefined}
              aria-describedby={noteError ? `${id}-note-error` : undefined}
              onChange={(e) => setNote(e.target.value)}
            />
            {noteError && (
              <span id={`${id}-note-error`} className="field__error">
                {noteError}
              </span>
            )}
          </label>
          {error && (
            <div role="alert" className="callout callout--error">
              <p>{error}</p>
            </div>
          )}
          <div className="button-row">
            <button type="submit" className="button button--primary" disabled={busy}>
              {busy ? 'Closing…' : `Close ${label}`}
            </button>
            <button type="button" className="button" disabled={busy} onClick={onCancel}>
              Cancel
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
