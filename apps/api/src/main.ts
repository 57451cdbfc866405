import cluster from 'node:cluster';
// Only the configuration here: a supervisor (API_PROCESSES > 1) never loads the app, so
// its heap stays small and its collections short (it hands each new connection to a
// process: a long pause there delays every connection opened meanwhile).
import { ConfigError, loadConfig } from '@loupe/server-core/config';
import { superviseApiProcesses } from './app/api-processes';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const { host, port, publicUrl, processes } = config.api;
  if (processes > 1 && cluster.isPrimary) {
    superviseApiProcesses({
      processes,
      onListening: () => process.stdout.write(`Loupe API listening on ${publicUrl} (${processes} processes)\n`),
      log: (message) => process.stderr.write(`${message}\n`),
    });
    return;
  }
  // A cluster worker is stopped by its supervisor's SIGTERM; a terminal's Ctrl-C reaches the supervisor.
  if (cluster.isWorker) process.on('SIGINT', () => undefined);
  await import('reflect-metadata');
  const { createApp } = await import('./app/create-app');
  const app = await createApp(config, cluster.isWorker ? { shutdownSignals: ['SIGTERM'] } : {});
  await app.listen({ host, port });
  if (cluster.isPrimary) process.stdout.write(`Loupe API listening on ${publicUrl}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`Loupe API failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
