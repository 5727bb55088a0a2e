import { Logger } from '@nestjs/common';
import { ConfigError } from '@swr/config';
import { loadStandaloneConfig } from './config';
import { startStandalone } from './standalone';

async function main(): Promise<void> {
  const logger = new Logger('Standalone');
  const registry = await startStandalone(loadStandaloneConfig());
  logger.log(`SWR registry listening on ${registry.url}`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: shutting down`);
    await registry.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((error) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
