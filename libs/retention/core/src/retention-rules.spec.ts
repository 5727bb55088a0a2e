import { CandidateTag, RetentionPolicy, tagsToRemove } from './retention-rules';

const NOW = new Date('2026-12-04T12:00:00Z');
const daysAgo = (days: number, extraMs = 0) => new Date(NOW.getTime() - days * 86_400_000 - extraMs);
const digest = (n: number) => `sha256:${n.toString(16).padStart(64, '0')}`;
const tag = (name: string, age: number, image = 0): CandidateTag => ({ name, digest: digest(image || name.length * 1000 + age), pushedAt: daysAgo(age) });

const keepNewest = (num: number, selectors: RetentionPolicy['rules'][number]['selectors'] = []): RetentionPolicy => ({ algorithm: 'or', rules: [{ template: 'tag_rule', num, selectors }] });
const keepDays = (days: number, selectors: RetentionPolicy['rules'][number]['selectors'] = []): RetentionPolicy => ({ algorithm: 'or', rules: [{ template: 'date_rule', days, selectors }] });
const removed = (tags: CandidateTag[], policy: RetentionPolicy) => tagsToRemove(tags, policy, NOW).map((r) => r.tag);

describe('retention rules', () => {
  describe('tag_rule: keep the N most recent tags', () => {
    const five = [tag('v1', 5), tag('v2', 4), tag('v3', 3), tag('v4', 2), tag('v5', 1)];

    it.each([
      [1, ['v1', 'v2', 'v3', 'v4']],
      [2, ['v1', 'v2', 'v3']],
      [5, []],
      [1000, []],
    ])('num %i removes %j, oldest first', (num, expected) => {
      expect(removed(five, keepNewest(num))).toEqual(expected);
    });

    it('answers the same whatever order the tags are listed in', () => {
      expect(removed([...five].reverse(), keepNewest(2))).toEqual(['v1', 'v2', 'v3']);
    });

    it('breaks ties on push time by name, keeping the later name, so that every run agrees', () => {
      const tied = [tag('b', 1), tag('a', 1), tag('c', 1), tag('old', 9)];
      expect(removed(tied, keepNewest(2))).toEqual(['old', 'a']);
      expect(removed([...tied].reverse(), keepNewest(2))).toEqual(['old', 'a']);
    });

    it('never removes an exception, and does not count it among the N kept', () => {
      const policy = keepNewest(2, [
        { kind: 'label', pattern: 'v1' },
        { kind: 'regexp', pattern: '^v[34]$' },
      ]);
      // v1, v3, v4 are exceptions; of v2 and v5 the two newest stay.
      expect(removed(five, policy)).toEqual([]);
      expect(removed([...five, tag('v0', 9)], policy)).toEqual(['v0']);
    });

    it('matches a label exactly and searches a regexp in the tag', () => {
      const tags = [tag('release-1', 5), tag('release-10', 4), tag('rc', 3), tag('latest', 0)];
      expect(removed(tags, keepNewest(1, [{ kind: 'label', pattern: 'release-1' }]))).toEqual(['release-10', 'rc']);
      expect(removed(tags, keepNewest(1, [{ kind: 'regexp', pattern: 'release' }]))).toEqual(['rc']);
    });
  });

  describe('date_rule: keep the tags pushed within N days', () => {
    it('removes what is older than N days and keeps a tag pushed exactly N days ago', () => {
      const tags = [tag('edge', 30), { ...tag('over', 30), pushedAt: daysAgo(30, 1) }, tag('new', 1)];
      expect(removed(tags, keepDays(30))).toEqual(['over']);
    });

    it('keeps exceptions whatever their age', () => {
      const tags = [tag('v1', 400), tag('v2', 200), tag('v3', 2)];
      expect(removed(tags, keepDays(7, [{ kind: 'regexp', pattern: '^v1$' }]))).toEqual(['v2']);
    });

    it('removes nothing when every tag is recent', () => {
      expect(removed([tag('a', 0), tag('b', 1)], keepDays(365))).toEqual([]);
    });
  });

  describe('images behind the tags', () => {
    it('removes a tag, not its image: another kept tag of the same digest still names it', () => {
      const tags = [tag('old-name', 10, 7), tag('stable', 0, 7), tag('other', 5, 8)];
      const removals = tagsToRemove(tags, keepNewest(1), NOW);
      expect(removals.map((r) => [r.tag, r.digest])).toEqual([
        ['old-name', digest(7)],
        ['other', digest(8)],
      ]);
    });

    it('treats a tag of a multi-platform index like any other: the tag decides, the platforms follow the index', () => {
      const index = tag('multi', 10, 42);
      expect(removed([index, tag('v2', 1)], keepNewest(1))).toEqual(['multi']);
    });

    it('neither counts nor ages cosign accessories: they go with the last tag of their image', () => {
      const hex = (n: number) => digest(n).slice('sha256:'.length);
      const tags = [
        tag('v1', 9, 1),
        tag('v2', 1, 2),
        { name: `sha256-${hex(1)}.sig`, digest: digest(100), pushedAt: daysAgo(0) },
        { name: `sha256-${hex(2)}.sig`, digest: digest(101), pushedAt: daysAgo(50) },
        { name: `sha256-${hex(2)}.att`, digest: digest(102), pushedAt: daysAgo(50) },
      ];
      // Only v1 goes (num 1); its signature goes with it; v2's accessories stay however old they are.
      expect(removed(tags, keepNewest(1))).toEqual(['v1', `sha256-${hex(1)}.sig`]);
    });

    it('keeps an accessory whose image another kept tag still names, or that an exception covers', () => {
      const hex = digest(1).slice('sha256:'.length);
      const signature = { name: `sha256-${hex}.sig`, digest: digest(100), pushedAt: daysAgo(0) };
      expect(removed([tag('v1', 9, 1), tag('also-v1', 0, 1), signature], keepNewest(1))).toEqual(['v1']);
      expect(removed([tag('v1', 9, 1), tag('v2', 0, 2), signature], keepNewest(1, [{ kind: 'regexp', pattern: '\\.sig$' }]))).toEqual(['v1']);
    });
  });

  describe('several rules (or)', () => {
    it('keeps a tag that any rule keeps', () => {
      const tags = [tag('a', 100), tag('b', 50), tag('c', 3), tag('d', 2), tag('e', 1)];
      const policy: RetentionPolicy = {
        algorithm: 'or',
        rules: [
          { template: 'tag_rule', num: 1, selectors: [] },
          { template: 'date_rule', days: 60, selectors: [] },
        ],
      };
      expect(removed(tags, policy)).toEqual(['a']);
    });

    it('names the rule a removal came from', () => {
      const policy = keepNewest(1);
      expect(tagsToRemove([tag('a', 2), tag('b', 1)], policy, NOW)).toEqual([{ tag: 'a', digest: tag('a', 2).digest, rule: policy.rules[0] }]);
    });
  });

  it('keeps exactly the N newest of 10,000 tags', () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({ name: `t${i}`, digest: digest(i % 50), pushedAt: new Date(NOW.getTime() - i * 1000) }));
    const removals = tagsToRemove(many, keepNewest(10), NOW);
    expect(removals).toHaveLength(9_990);
    expect(new Set(removals.map((r) => r.tag)).has('t9')).toBe(false);
    expect(removals[0].tag).toBe('t9999');
  });
});
