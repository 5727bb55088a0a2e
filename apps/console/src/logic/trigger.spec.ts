import { describeCondition, EMPTY_TRIGGER_FORM, triggerBody, triggerCondition, triggerProblem, type TriggerForm } from './trigger';

const form = (changes: Partial<TriggerForm>): TriggerForm => ({ ...EMPTY_TRIGGER_FORM, name: 'deploy-web', url: 'https://ci.example.com/hook', ...changes });

describe('trigger conditions', () => {
  it("are SWR's: .* for all tags, the tags joined by ;, or the expression", () => {
    expect(triggerCondition('all', 'ignored')).toBe('.*');
    expect(triggerCondition('tag', ' v1 ;; v2; ')).toBe('v1;v2');
    expect(triggerCondition('regular', '^rel-')).toBe('^rel-');
  });

  it('are checked as the user types', () => {
    expect(triggerProblem(form({ triggerType: 'tag', condition: 'v1;v2' }))).toBeUndefined();
    expect(triggerProblem(form({ triggerType: 'tag', condition: ' ; ' }))).toContain('one or more tags');
    expect(triggerProblem(form({ triggerType: 'tag', condition: 'v1;no good' }))).toBe('"no good" is not a tag name.');
    expect(triggerProblem(form({ triggerType: 'regular', condition: '^v[0-9]+$' }))).toBeUndefined();
    expect(triggerProblem(form({ triggerType: 'regular', condition: '' }))).toContain('regular expression');
    expect(triggerProblem(form({ triggerType: 'regular', condition: '[' }))).toBe('The regular expression is not valid.');
  });

  it('say them in words', () => {
    expect(describeCondition('all', '.*')).toBe('All tags');
    expect(describeCondition('tag', 'v1;v2')).toBe('Tags: v1, v2');
    expect(describeCondition('regular', '^v1')).toBe('Tags matching ^v1');
  });
});

describe('the trigger form', () => {
  it.each(['', '-x', 'has space', 'x'.repeat(65)])('refuses the name %j', (name) => {
    expect(triggerProblem(form({ name }))).toContain('trigger name');
  });

  it('takes an http or https webhook URL without credentials', () => {
    expect(triggerProblem(form({ url: 'http://127.0.0.1:8080/hook' }))).toBeUndefined();
    expect(triggerProblem(form({ url: 'ci.example.com' }))).toContain('Enter the webhook URL');
    expect(triggerProblem(form({ url: 'ftp://ci.example.com/' }))).toContain('http:// or https://');
    expect(triggerProblem(form({ url: 'https://u:p@ci.example.com/' }))).toContain('user name or password');
  });

  it('needs the workload for the update action', () => {
    expect(triggerProblem(form({ action: 'update', url: '' }))).toBe('Enter the workload and its namespace.');
    expect(triggerProblem(form({ action: 'update', url: '', application: 'web' }))).toBeUndefined();
  });

  it('builds the body SWR takes', () => {
    expect(triggerBody(form({ triggerType: 'tag', condition: 'v1; v2', enable: false }))).toEqual({
      name: 'deploy-web',
      action: 'webhook',
      trigger_type: 'tag',
      condition: 'v1;v2',
      enable: 'false',
      webhook: { url: 'https://ci.example.com/hook', events: ['push'], format: 'default' },
    });
    expect(triggerBody(form({ action: 'update', application: ' web ', appType: 'statefulsets' }))).toEqual({
      name: 'deploy-web',
      action: 'update',
      trigger_type: 'all',
      condition: '.*',
      enable: 'true',
      app_type: 'statefulsets',
      application: 'web',
      cluster_ns: 'default',
    });
  });
});
