/**
 * Character-level checks shared by topic validation and matching. Private:
 * never re-exported from `mod.ts`.
 *
 * @module
 */

const DOT = 0x2e;
const STAR = 0x2a;
const GT = 0x3e;
const SPACE = 0x20;
const DEL = 0x7f;

/** The token separator. */
export const SEPARATOR = ".";
/** The single-token wildcard. */
export const ONE = "*";
/** The trailing wildcard: one or more tokens. */
export const REST = ">";

/**
 * Finds why `topic` is not a valid published topic.
 *
 * @param topic The candidate topic.
 * @returns A reason in plain words, or `undefined` when the topic is valid.
 */
export function topicFault(topic: string): string | undefined {
  if (topic.length === 0) return "it is empty";
  let tokenStart = 0;
  for (let i = 0; i < topic.length; i++) {
    const code = topic.charCodeAt(i);
    if (code === DOT) {
      if (i === tokenStart) return "it has an empty token";
      tokenStart = i + 1;
    } else if (code === STAR || code === GT) {
      return `a published topic cannot contain "${topic[i]}"`;
    } else if (code <= SPACE || code === DEL) {
      return "it contains whitespace or a control character";
    }
  }
  if (tokenStart === topic.length) return "it has an empty token";
  return undefined;
}

/**
 * Tells whether `topic` is a valid published topic, without allocating.
 *
 * @param topic The candidate topic.
 * @returns `true` when the topic is valid.
 */
export function isTopic(topic: string): boolean {
  return topicFault(topic) === undefined;
}

/**
 * Finds why `pattern` is not a valid subscription pattern.
 *
 * @param pattern The candidate pattern.
 * @returns A reason in plain words, or `undefined` when it is valid.
 */
export function patternFault(pattern: string): string | undefined {
  if (pattern.length === 0) return "it is empty";
  const tokens = pattern.split(SEPARATOR);
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.length === 0) return "it has an empty token";
    if (token === ONE) continue;
    if (token === REST) {
      if (i !== tokens.length - 1) return `">" must be the last token`;
      continue;
    }
    const fault = topicFault(token);
    if (fault === undefined) continue;
    if (token.includes(ONE) || token.includes(REST)) {
      return `wildcard in "${token}" must be a whole token`;
    }
    return fault;
  }
  return undefined;
}

/**
 * Tells whether a valid pattern contains a wildcard token.
 *
 * @param pattern A pattern already validated.
 * @returns `true` when it holds `*` or `>`.
 */
export function hasWildcard(pattern: string): boolean {
  return pattern.includes(ONE) || pattern.includes(REST);
}
