import { type FormEvent, useState } from 'react';
import { Field, FormError } from '../../../components/Field';
import { apiFieldErrors, type FieldErrors } from '../../../lib/forms';
import { currencySymbol, microsToInput, parseMoney } from '../../../lib/money';

export interface MoneyField {
  /** The API field, e.g. budget_in_micro_currency. */
  name: string;
  label: string;
  hint?: string;
  micros: number | null;
  /** Empty means "none" (sent as null) when not required. */
  required: boolean;
}

interface Props {
  title: string;
  currency: string;
  fields: MoneyField[];
  /** Sends the change; a rejection's message is shown beside the field it names. */
  onSave: (values: Record<string, number | null>) => Promise<unknown>;
  onDone: () => void;
}

/** Edits budget, bid or spend caps in the account's currency; the API's verdict appears next to the field it concerns. */
export function MoneyEditForm({ title, currency, fields, onSave, onDone }: Props) {
  const [inputs, setInputs] = useState<Record<string, string>>(() =>
    Object.fromEntries(fields.map((f) => [f.name, microsToInput(f.micros, currency)])),
  );
  const [errors, setErrors] = useState<FieldErrors>({});
  const [saving, setSaving] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const values: Record<string, number | null> = {};
    const found: FieldErrors = {};
    for (const field of fields) {
      const text = inputs[field.name] ?? '';
      if (text.trim() === '' && !field.required) {
        values[field.name] = null;
        continue;
      }
      const parsed = parseMoney(text, currency);
      if (parsed.ok) values[field.name] = parsed.micros;
      else found[field.name] = parsed.message;
    }
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    setSaving(true);
    try {
      await onSave(values);
      onDone();
    } catch (error) {
      setErrors(apiFieldErrors(error, fields.map((f) => f.name)));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="panel form" aria-label={title} onSubmit={(e) => void submit(e)} noValidate>
      <h2>{title}</h2>
      <FormError message={errors._form} />
      <div className="field-row">
        {fields.map((field) => (
          <Field key={field.name} label={`${field.label} (${currencySymbol(currency)})`} error={errors[field.name]} hint={field.hint}>
            {(p) => (
              <input
                {...p}
                inputMode="decimal"
                value={inputs[field.name] ?? ''}
                onChange={(e) => setInputs((v) => ({ ...v, [field.name]: e.target.value }))}
              />
            )}
          </Field>
        ))}
      </div>
      <div className="button-row">
        <button type="submit" className="button button--primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        <button type="button" className="button" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
