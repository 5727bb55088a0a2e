import { describeRule, describeRuleType, EMPTY_RETENTION_FORM, retentionBody, retentionFormOf, retentionProblem } from './retention';

describe('the retention policy form', () => {
  const form = (changes: Partial<typeof EMPTY_RETENTION_FORM>) => ({ ...EMPTY_RETENTION_FORM, ...changes });

  it.each([
    ['date_rule', '1'],
    ['date_rule', '365'],
    ['tag_rule', '1'],
    ['tag_rule', '1000'],
  ] as const)('accepts %s with %s', (template, count) => {
    expect(retentionProblem(form({ template, count }))).toBeUndefined();
  });

  it.each([
    ['date_rule', '0', 'from 1 to 365'],
    ['date_rule', '366', 'from 1 to 365'],
    ['tag_rule', '1001', 'from 1 to 1000'],
    ['tag_rule', '', 'number of tags'],
    ['tag_rule', '2.5', 'whole number'],
    ['date_rule', '-3', 'whole number'],
  ] as const)('refuses %s with %j', (template, count, why) => {
    expect(retentionProblem(form({ template, count }))).toContain(why);
  });

  it('checks the exceptions: tag names and regular expressions', () => {
    expect(retentionProblem(form({ exceptTags: 'latest; v1.0' }))).toBeUndefined();
    expect(retentionProblem(form({ exceptTags: 'latest;bad tag' }))).toBe('"bad tag" is not a tag name.');
    expect(retentionProblem(form({ exceptPatterns: '^release-' }))).toBeUndefined();
    expect(retentionProblem(form({ exceptPatterns: '(unclosed' }))).toBe('"(unclosed" is not a valid regular expression.');
  });

  it("builds SWR's body: algorithm or, the parameter as a string, label and regexp selectors", () => {
    expect(retentionBody(form({ template: 'tag_rule', count: '007', exceptTags: 'latest; stable;', exceptPatterns: '^v1\\.' }))).toEqual({
      algorithm: 'or',
      rules: [
        {
          template: 'tag_rule',
          params: { num: '7' },
          tag_selectors: [
            { kind: 'label', pattern: 'latest' },
            { kind: 'label', pattern: 'stable' },
            { kind: 'regexp', pattern: '^v1\\.' },
          ],
        },
      ],
    });
    expect(retentionBody(form({ template: 'date_rule', count: '30' })).rules[0]).toEqual({ template: 'date_rule', params: { days: '30' }, tag_selectors: [] });
  });

  it('edits a saved rule: its form gives the same body back', () => {
    const rule = { template: 'date_rule' as const, params: { days: '14' }, tag_selectors: [{ kind: 'regexp' as const, pattern: '^keep' }, { kind: 'label' as const, pattern: 'v1' }] };
    expect(retentionFormOf(rule)).toEqual({ template: 'date_rule', count: '14', exceptTags: 'v1', exceptPatterns: '^keep' });
    expect(retentionBody(retentionFormOf(rule)).rules[0].params).toEqual({ days: '14' });
  });

  it('says a rule in words, and a history rule_type too', () => {
    expect(describeRule({ template: 'date_rule', params: { days: '30' }, tag_selectors: [] })).toBe('Keep the tags pushed in the last 30 days');
    expect(describeRule({ template: 'tag_rule', params: { num: '3' }, tag_selectors: [{ kind: 'label', pattern: 'latest' }, { kind: 'regexp', pattern: '^v1' }] })).toBe(
      'Keep the 3 most recently pushed tags, and always latest, /^v1/',
    );
    expect(describeRuleType('{"template":"tag_rule","params":{"num":"7"},"tag_selectors":[]}')).toBe('Keep the 7 most recently pushed tags');
    expect(describeRuleType('not json')).toBe('not json');
    expect(describeRuleType('{"x":1}')).toBe('{"x":1}');
  });
});
