import { runInCall } from '@swr/messaging';
import { StructuredLogger } from './structured-logger';

function capture(): { lines: string[]; destination: { write(line: string): void } } {
  const lines: string[] = [];
  return { lines, destination: { write: (line: string) => void lines.push(line) } };
}

describe('StructuredLogger', () => {
  it("writes JSON lines with level, time, app, context and message, and the request id of the call being served", () => {
    const { lines, destination } = capture();
    const logger = new StructuredLogger('metadata', 'log', 'json', destination);

    logger.log('metadata service ready', 'Metadata');
    runInCall({ requestId: 'req-1', actor: {} }, () => logger.warn('slow query', 'Metadata'));
    logger.error('upload failed', 'Error: boom\n    at handler (file.ts:1:1)', 'Registry');

    const records = lines.map((line) => JSON.parse(line));
    expect(records[0]).toEqual({ level: 'info', time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), app: 'metadata', context: 'Metadata', msg: 'metadata service ready' });
    expect(records[1]).toMatchObject({ level: 'warn', context: 'Metadata', msg: 'slow query', requestId: 'req-1' });
    expect(records[2]).toMatchObject({ level: 'error', context: 'Registry', msg: 'upload failed', stack: expect.stringContaining('at handler') });
  });

  it("keeps Nest's route mapping and module loading lines for debug, and honours the level", () => {
    const quiet = capture();
    new StructuredLogger('gateway', 'log', 'json', quiet.destination).log('Mapped {/v2, GET} route', 'RouterExplorer');
    expect(quiet.lines).toEqual([]);

    const verbose = capture();
    new StructuredLogger('gateway', 'debug', 'json', verbose.destination).log('Mapped {/v2, GET} route', 'RouterExplorer');
    expect(JSON.parse(verbose.lines[0])).toMatchObject({ level: 'debug', context: 'RouterExplorer' });

    const warnOnly = capture();
    const logger = new StructuredLogger('gateway', 'warn', 'json', warnOnly.destination);
    logger.log('ready', 'Gateway');
    logger.warn('careful', 'Gateway');
    expect(warnOnly.lines.map((line) => JSON.parse(line).msg)).toEqual(['careful']);
  });

  it('prints plain lines for a terminal', () => {
    const { lines, destination } = capture();
    new StructuredLogger('standalone', 'log', 'pretty', destination).log('SWR registry listening on http://127.0.0.1:5000', 'Standalone');

    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+ INFO {2}\[Standalone\] SWR registry listening on http:\/\/127\.0\.0\.1:5000\n$/);
  });
});
