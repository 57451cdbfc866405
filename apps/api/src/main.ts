import 'reflect-metadata';
import { ConfigError, loadConfig } from '@loupe/server-core';
import { createApp } from './app/create-app';

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
  const app = await createApp(config);
  await app.listen({ host: config.api.host, port: config.api.port });
  process.stdout.write(`Loupe API listening on ${config.api.publicUrl}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`Loupe API failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
