/**
 * The trie of wildcard patterns behind {@linkcode TopicMatcher}. Private.
 *
 * @module
 */

import { ONE, REST, SEPARATOR } from "./_tokens.ts";

/** Literal children are scanned up to this many, then indexed by a Map. */
const SCAN_LIMIT = 8;

interface TrieNode {
  /** The literal token that leads here (`""` for the root and `*` nodes). */
  readonly token: string;
  /** Literal children. */
  readonly list: TrieNode[];
  /** Literal children by token, once there are more than `SCAN_LIMIT`. */
  map: Map<string, TrieNode> | undefined;
  /** Child for `*`. */
  one: TrieNode | undefined;
  /** A pattern ends exactly here. */
  end: boolean;
  /** A pattern ends with `>` right after this node. */
  rest: boolean;
}

function makeNode(token: string): TrieNode {
  return {
    token,
    list: [],
    map: undefined,
    one: undefined,
    end: false,
    rest: false,
  };
}

// Scratch stack of the search: nodes and the offset of the token each one
// consumes next. Reused across calls: the search is synchronous and never
// re-entered. Two monomorphic arrays are faster than one mixed array.
const NODES: TrieNode[] = [];
const OFFSETS: number[] = [];

/**
 * A trie of valid patterns, matched against topics by depth-first search
 * with backtracking over string offsets: no split, no allocation per topic
 * while nodes have few children. Each node is visited at most once per
 * topic, so the cost is bounded by the trie's size, not exponential.
 */
export class TopicTrie {
  #root: TrieNode = makeNode("");

  /** Whether the pattern `>` is present. */
  get matchesAll(): boolean {
    return this.#root.rest;
  }

  /** Adds a valid pattern that is not present yet. */
  insert(pattern: string): void {
    let node = this.#root;
    for (const token of pattern.split(SEPARATOR)) {
      if (token === REST) {
        node.rest = true;
        return;
      }
      node = token === ONE
        ? (node.one ??= makeNode(""))
        : addChild(node, token);
    }
    node.end = true;
  }

  /** Removes a valid pattern that is present, pruning empty branches. */
  delete(pattern: string): void {
    const tokens = pattern.split(SEPARATOR);
    const path: TrieNode[] = [this.#root];
    for (const token of tokens) {
      if (token === REST) break;
      const node = path.at(-1)!;
      const next = token === ONE ? node.one : findChild(node, token);
      if (next === undefined) return;
      path.push(next);
    }
    if (tokens.at(-1) === REST) path.at(-1)!.rest = false;
    else path.at(-1)!.end = false;
    prune(path, tokens);
  }

  /**
   * Tells whether `topic` matches a pattern, reading it as tokens; whether
   * it is a valid topic is the caller's concern.
   */
  match(topic: string): boolean {
    const past = topic.length + 1; // the offset after the last token
    let depth = 0;
    NODES[0] = this.#root;
    OFFSETS[0] = 0;
    while (depth >= 0) {
      const node = NODES[depth]!;
      const start = OFFSETS[depth]!;
      depth--;
      if (start === past) {
        if (node.end) return true;
        continue;
      }
      if (node.rest) return true;
      let stop = topic.indexOf(SEPARATOR, start);
      if (stop < 0) stop = topic.length;
      if (node.one !== undefined) {
        NODES[++depth] = node.one;
        OFFSETS[depth] = stop + 1;
      }
      const child = literalChild(node, topic, start, stop);
      if (child !== undefined) { // tried first
        NODES[++depth] = child;
        OFFSETS[depth] = stop + 1;
      }
    }
    return false;
  }
}

function literalChild(
  node: TrieNode,
  topic: string,
  start: number,
  stop: number,
): TrieNode | undefined {
  if (node.map !== undefined) return node.map.get(topic.slice(start, stop));
  const length = stop - start;
  for (const child of node.list) {
    if (child.token.length === length && topic.startsWith(child.token, start)) {
      return child;
    }
  }
  return undefined;
}

function findChild(node: TrieNode, token: string): TrieNode | undefined {
  if (node.map !== undefined) return node.map.get(token);
  return node.list.find((child) => child.token === token);
}

function addChild(node: TrieNode, token: string): TrieNode {
  let child = findChild(node, token);
  if (child !== undefined) return child;
  child = makeNode(token);
  node.list.push(child);
  if (node.map !== undefined) node.map.set(token, child);
  else if (node.list.length > SCAN_LIMIT) {
    node.map = new Map(node.list.map((c) => [c.token, c]));
  }
  return child;
}

function isBare(node: TrieNode): boolean {
  return !node.end && !node.rest && node.one === undefined &&
    node.list.length === 0;
}

/** Detaches the nodes of `path` that no longer lead to any pattern. */
function prune(path: TrieNode[], tokens: string[]): void {
  for (let i = path.length - 1; i > 0; i--) {
    const node = path[i]!;
    if (!isBare(node)) return;
    const parent = path[i - 1]!;
    if (tokens[i - 1] === ONE) {
      parent.one = undefined;
      continue;
    }
    parent.list.splice(parent.list.indexOf(node), 1);
    parent.map?.delete(node.token);
    if (parent.list.length <= SCAN_LIMIT) parent.map = undefined;
  }
}
