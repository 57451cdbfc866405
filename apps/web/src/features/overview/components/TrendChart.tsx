import { type AnalyticsRow, type AuditLogEntry } from '@loupe/contracts';
import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { EmptyState } from '../../../components/States';
import { formatDateTime, isoDateFromUnix } from '../../../lib/format';
import { formatMoney } from '../../../lib/money';
import { addDays, type DateRange } from '../dateRange';

interface Point {
  date: string;
  spend: number;
  value: number;
}

const money = (micros: number, currency: string) => formatMoney(Math.round(micros), currency);

/** One point per local day of the range (days without delivery are 0, not gaps). Amounts stay integer micros. */
export function dailyPoints(rows: readonly AnalyticsRow[], range: DateRange): Point[] {
  const byDate = new Map(rows.filter((r) => r.DATE).map((r) => [r.DATE!.slice(0, 10), r]));
  const points: Point[] = [];
  for (let date = range.start; date <= range.end; date = addDays(date, 1)) {
    const row = byDate.get(date);
    points.push({
      date,
      spend: typeof row?.SPEND_IN_MICRO_DOLLAR === 'number' ? row.SPEND_IN_MICRO_DOLLAR : 0,
      value: typeof row?.TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR === 'number' ? row.TOTAL_CONVERSIONS_VALUE_IN_MICRO_DOLLAR : 0,
    });
  }
  return points;
}

function describe(entry: AuditLogEntry): string {
  const fields = Object.keys(entry.new_values ?? {}).join(', ') || 'settings';
  return `${entry.object_type.replace('_', ' ').toLowerCase()} ${entry.object_id}: ${fields}`;
}

/** Daily spend against attributed conversion value, with the day's campaign/ad group/ad changes marked. */
export function TrendChart({
  rows,
  range,
  currency,
  timeZone,
  changes,
}: {
  rows: readonly AnalyticsRow[];
  range: DateRange;
  currency: string;
  timeZone: string;
  changes: readonly AuditLogEntry[];
}) {
  const points = dailyPoints(rows, range);
  if (points.every((p) => p.spend === 0 && p.value === 0)) {
    return (
      <EmptyState title="No spend in this period">
        <p>The chart fills in as your active ad groups win auctions. Try a longer range if your campaigns ran earlier.</p>
      </EmptyState>
    );
  }
  const changeDays = new Map<string, AuditLogEntry[]>();
  for (const entry of changes) {
    const day = isoDateFromUnix(entry.created_time, timeZone);
    changeDays.set(day, [...(changeDays.get(day) ?? []), entry]);
  }
  return (
    <figure className="chart">
      <div className="chart__canvas">
        <ResponsiveContainer width="100%" height={260}>
          <LineChart data={points} margin={{ top: 20, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
            <XAxis dataKey="date" tickFormatter={(d: string) => d.slice(5)} minTickGap={16} />
            <YAxis tickFormatter={(v: number) => money(v, currency)} width={96} />
            <Tooltip formatter={(v) => money(Number(v), currency)} />
            <Legend />
            {[...changeDays.entries()].map(([day, entries]) => (
              <ReferenceLine key={day} x={day} stroke="#7a4b00" strokeDasharray="4 2" label={{ value: `${entries.length}✎`, position: 'top', fontSize: 11 }} />
            ))}
            <Line type="monotone" dataKey="spend" name="Spend" stroke="#b0151f" dot={false} strokeWidth={2} isAnimationActive={false} />
            <Line type="monotone" dataKey="value" name="Conversion value" stroke="#0b57d0" dot={false} strokeWidth={2} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption className="muted">
        {`Per day in ${timeZone}.`} {changeDays.size > 0 ? 'Dashed lines mark days with changes to campaigns, ad groups or ads (listed below).' : 'No changes to campaigns, ad groups or ads in this period.'}
      </figcaption>
      {changes.length > 0 && (
        <details className="chart__changes">
          <summary>{`${changes.length} ${changes.length === 1 ? 'change' : 'changes'} in this period`}</summary>
          <ul>
            {changes.map((entry) => (
              <li key={entry.id}>{`${formatDateTime(entry.created_time, timeZone)} · ${describe(entry)}${entry.actor ? ` · by ${entry.actor.username}` : ''}`}</li>
            ))}
          </ul>
        </details>
      )}
    </figure>
  );
}
