import { type HealthDependency } from '@loupe/contracts';

/** What each dependency is called and what stops working without it (DESIGN.md §2). */
export const DEPENDENCY_LABELS: Record<HealthDependency, { name: string; role: string }> = {
  postgres: { name: 'PostgreSQL', role: 'Accounts, campaigns and billing records' },
  redis: { name: 'Redis', role: 'Budgets, pacing and job queues' },
  clickhouse: { name: 'ClickHouse', role: 'Ad events and reporting' },
};
