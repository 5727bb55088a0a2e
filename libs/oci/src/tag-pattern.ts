/**
 * Why a regular expression over tags is refused, or undefined when it is safe: back-references,
 * look-arounds, and a quantifier over something quantified (which backtracks without bound, e.g.
 * `(a+)+`). Patterns that pass match a tag (at most 128 characters) cheaply.
 */
export function tagPatternUnsafety(pattern: string): string | undefined {
  if (/\\[1-9]|\\k</.test(pattern)) return 'back-references are not allowed';
  if (/\(\?<?[=!]/.test(pattern)) return 'look-arounds are not allowed';
  // Walk the groups: a group that contains a quantifier (or an alternation) and is itself
  // quantified can backtrack exponentially, e.g. (a+)+ or (a|aa)*.
  const stack: Array<{ risky: boolean }> = [{ risky: false }];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      i = end < 0 ? pattern.length : end;
      continue;
    }
    if (c === '(') stack.push({ risky: false });
    else if (c === ')') {
      const group = stack.pop() ?? { risky: false };
      const quantified = /^[*+?{]/.test(pattern.slice(i + 1));
      if (group.risky && quantified) return 'a repeated group may not itself repeat or alternate, e.g. (a+)+';
      if (group.risky || quantified) stack[stack.length - 1].risky = true;
    } else if (/[*+{]/.test(c) || c === '|') stack[stack.length - 1].risky = true;
  }
  return undefined;
}
