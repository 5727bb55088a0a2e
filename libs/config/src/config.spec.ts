import { z } from 'zod';
import { ConfigError, env, loadConfig } from './config';

const schema = z.object({
  SWR_PORT: env.port(5000),
  SWR_FSYNC: env.boolean(true),
  SWR_SERVERS: env.list('a,b'),
  SWR_URL: z.string().url(),
});

describe('loadConfig', () => {
  it('applies defaults and converts values', () => {
    expect(loadConfig(schema, { SWR_URL: 'http://x', SWR_FSYNC: 'no', SWR_SERVERS: ' n1 , n2,,' })).toEqual({
      SWR_PORT: 5000,
      SWR_FSYNC: false,
      SWR_SERVERS: ['n1', 'n2'],
      SWR_URL: 'http://x',
    });
  });

  it('names every bad variable at once', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig(schema, { SWR_PORT: '70000', SWR_FSYNC: 'maybe' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.problems.map((p) => p.split(':')[0]).sort()).toEqual(['SWR_FSYNC', 'SWR_PORT', 'SWR_URL']);
  });
});
