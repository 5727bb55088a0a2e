import { Logger } from '@nestjs/common';
import { ConfigError, stopOnSignals } from '@swr/config';
import { loadStandaloneConfig } from './config';
import { startStandalone } from './standalone';

async function main(): Promise<void> {
  const logger = new Logger('Standalone');
  const registry = await startStandalone(loadStandaloneConfig());
  logger.log(`SWR registry listening on ${registry.url}`);
  stopOnSignals('SWR registry', () => registry.stop(), (message) => logger.log(message), () => registry.drain());
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
