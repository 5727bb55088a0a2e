import { Logger, type LoggerService } from '@nestjs/common';
import type { LogLevelName } from '@swr/config';
import { currentCall } from '@swr/messaging';
import pino, { type DestinationStream, type Level } from 'pino';

export type LogFormat = 'json' | 'pretty';

const PINO_LEVELS: Record<LogLevelName, Level> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/** Nest's own start-up chatter (modules loaded, routes mapped, app started): for debugging, not for every start. */
const FRAMEWORK_CONTEXTS: ReadonlySet<string> = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication', 'NestMicroservice']);

/** Nest passes a stack as a string whose second line is a frame. */
const STACK = /\n\s+at /;

/**
 * The process's logs as JSON lines on stdout (`level`, `time`, `app`, `context`, `msg`, and the
 * `requestId` of the call being served, which travels with every RPC), through Nest's logger
 * interface so that the framework and every `new Logger(context)` write through it. `pretty`
 * prints the same records as plain lines, for a terminal.
 */
export class StructuredLogger implements LoggerService {
  private readonly pino: pino.Logger;

  constructor(app: string, level: LogLevelName, format: LogFormat, destination: DestinationStream = pino.destination({ dest: 1, sync: true })) {
    this.pino = pino(
      {
        level: PINO_LEVELS[level],
        base: { app },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
      },
      format === 'pretty' ? prettyLines(destination) : destination,
    );
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest's `(message, [stack,] context)` calling convention turned into one record. */
  private write(level: LogLevelName, message: unknown, params: unknown[]): void {
    const rest = [...params];
    const context = rest.length && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
    const stack = typeof rest[0] === 'string' && STACK.test(rest[0]) ? rest[0] : undefined;
    const fields: Record<string, unknown> = { context, requestId: currentCall()?.requestId };
    if (stack) fields['stack'] = stack;
    let text: string;
    if (message instanceof Error) {
      fields['err'] = message;
      text = message.message;
    } else {
      text = typeof message === 'string' ? message : JSON.stringify(message);
    }
    const effective = level === 'log' && context !== undefined && FRAMEWORK_CONTEXTS.has(context) ? 'debug' : level;
    this.pino[PINO_LEVELS[effective]](fields, text);
  }
}

/** The records as `time LEVEL [context] message (request id)` lines, a stack below its line. */
function prettyLines(out: DestinationStream): DestinationStream {
  return {
    write(line: string) {
      const record = JSON.parse(line) as { time: string; level: string; app: string; context?: string; msg: string; requestId?: string; stack?: string; err?: { stack?: string } };
      const request = record.requestId ? ` (request ${record.requestId})` : '';
      const stack = record.stack ?? record.err?.stack;
      out.write(`${record.time} ${record.level.toUpperCase().padEnd(5)} [${record.context ?? record.app}] ${record.msg}${request}${stack ? `\n${stack}` : ''}\n`);
    },
  };
}

/**
 * Makes structured logs the process's from here on (Nest's framework included, once the app is
 * given the same logger): JSON unless `SWR_LOG_FORMAT` says otherwise or stdout is a terminal.
 */
export function useStructuredLogs(app: string, settings: { readonly SWR_LOG_LEVEL: LogLevelName; readonly SWR_LOG_FORMAT?: LogFormat }): StructuredLogger {
  const logger = new StructuredLogger(app, settings.SWR_LOG_LEVEL, settings.SWR_LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json'));
  Logger.overrideLogger(logger);
  return logger;
}
