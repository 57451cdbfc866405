const TONE: Record<string, string> = {
  RUNNING: 'ok',
  ACTIVE: 'ok',
  APPROVED: 'ok',
  PAUSED: 'warn',
  PENDING: 'warn',
  NOT_STARTED: 'neutral',
  DRAFT: 'neutral',
  COMPLETED: 'neutral',
  ARCHIVED: 'neutral',
  REJECTED: 'down',
};

export function StatusBadge({ status }: { status: string }) {
  const label = status.charAt(0) + status.slice(1).toLowerCase().replace(/_/g, ' ');
  return <span className={`badge badge--${TONE[status] ?? 'neutral'}`}>{label}</span>;
}
