/** An image tag, as the distribution spec and SWR take it: up to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`. */
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export const isTag = (text: string): boolean => TAG.test(text);

/** A list the user types separated by `;` (tags, patterns), trimmed, empty entries dropped. */
export function listOf(text: string): string[] {
  return text
    .split(';')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** The first entry that is not a tag name, as a message; undefined when all are tags. */
export function notATag(tags: readonly string[]): string | undefined {
  const bad = tags.find((tag) => !isTag(tag));
  return bad === undefined ? undefined : `"${bad}" is not a tag name.`;
}
