import { parseSyncRegions } from './sync-regions';

describe('SWR_SYNC_REGIONS', () => {
  it('maps each region id to its base URL', () => {
    const regions = parseSyncRegions(' region-2=http://127.0.0.1:5001 , cn-east-3=https://swr.example.com/ ');
    expect([...regions]).toEqual([
      ['region-2', 'http://127.0.0.1:5001'],
      ['cn-east-3', 'https://swr.example.com'],
    ]);
    expect(parseSyncRegions('').size).toBe(0);
  });

  it('refuses what is not a region id and a plain base URL', () => {
    for (const bad of ['region-2', 'Region=http://a', 'r=ftp://a', 'r=http://a/path', 'r=http://u:p@a', 'r=http://a,r=http://b', 'r=not a url']) {
      expect(() => parseSyncRegions(bad)).toThrow(/SWR_SYNC_REGIONS/);
    }
  });
});
