import { Logger } from '@nestjs/common';
import { ConfigError, stopOnSignals } from '@swr/config';
import { useStructuredLogs } from '@swr/ops';
import { loadStandaloneConfig } from './config';
import { startStandalone } from './standalone';

async function main(): Promise<void> {
  const config = loadStandaloneConfig();
  const logs = useStructuredLogs('standalone', config);
  const logger = new Logger('Standalone');
  const registry = await startStandalone(config, logs);
  logger.log(`SWR registry listening on ${registry.url}; dependencies: ${registry.dependencies}`);
  stopOnSignals('SWR registry', () => registry.stop(), (message) => logger.log(message), () => registry.drain());
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
