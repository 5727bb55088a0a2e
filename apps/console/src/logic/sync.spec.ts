import { manualSyncMessage, manualSyncProblem, remoteOrganizationProblem } from './sync';
import { listOf } from './tags';

describe('image sync', () => {
  it('checks the organization in the target region', () => {
    expect(remoteOrganizationProblem('team-a.x_1')).toBeUndefined();
    expect(remoteOrganizationProblem('')).toContain('Enter the organization');
    expect(remoteOrganizationProblem('Team')).toContain('lowercase');
    expect(remoteOrganizationProblem('-team')).toContain('starting with a letter or digit');
  });

  it('takes 1 to 100 tags to sync now', () => {
    expect(manualSyncProblem(listOf(' v1 ; v2;'))).toBeUndefined();
    expect(manualSyncProblem(listOf(' ; '))).toContain('Enter the tags');
    expect(manualSyncProblem(listOf('v1;bad tag'))).toBe('"bad tag" is not a tag name.');
    expect(manualSyncProblem(Array.from({ length: 101 }, (_, i) => `v${i}`))).toContain('At most 100');
  });

  it('says which tags got a job and which SWR could not sync', () => {
    expect(manualSyncMessage(['v1', 'v2'], [])).toEqual({ kind: 'info', text: 'Sync jobs started for v1, v2.' });
    expect(manualSyncMessage(['v1', 'gone'], ['gone'])).toEqual({ kind: 'info', text: 'Sync jobs started for v1. Not synced (not in this repository): gone.' });
    expect(manualSyncMessage(['gone'], ['gone'])).toEqual({ kind: 'error', text: 'Not synced (not in this repository): gone.' });
  });
});
