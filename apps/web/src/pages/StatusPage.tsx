import { SystemStatus } from '../features/system-status/components/SystemStatus';

export function StatusPage() {
  return (
    <section aria-labelledby="status-title" className="page">
      <title>System status · Loupe</title>
      <h1 id="status-title">System status</h1>
      <p className="lede">Whether this Loupe installation can reach the services it depends on.</p>
      <SystemStatus />
    </section>
  );
}
