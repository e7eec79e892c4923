/**
 * Pure helpers over a flat list of codes (parentId + order): paths, tree order, descendants.
 * Shared by the server (comparison, agreement, forms, spreadsheets) and the web UI, which may
 * import this file as it imports text.ts. Cycle-safe although the store forbids cycles; a parent
 * that is not in the list ends a path (the code then counts as a root).
 */
import type { Code } from '../schemas/code.js';

/** Separator between the names of a code path on screen and in reports. */
export const PATH_SEPARATOR = ' › ';

const collator = new Intl.Collator('de', { numeric: true, sensitivity: 'base' });

/** Names of a code and its ancestors, root first. */
export function codePath(code: Code, byId: ReadonlyMap<string, Code>): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (let c: Code | undefined = code; c && !seen.has(c.id); c = c.parentId === null ? undefined : byId.get(c.parentId)) {
    seen.add(c.id);
    names.unshift(c.name);
  }
  return names;
}

/** The root-first path of every code, by id. */
export function codePathNames(codes: readonly Code[]): Map<string, string[]> {
  const byId = new Map(codes.map((c) => [c.id, c]));
  return new Map(codes.map((c) => [c.id, codePath(c, byId)]));
}

/**
 * Codes depth first, siblings by `order` then name, each with its depth (0 = root) and path. Codes
 * caught in a parent cycle are unreachable from the roots and come last.
 */
export function codesInTreeOrder(codes: readonly Code[]): { code: Code; depth: number; path: string[] }[] {
  const ids = new Set(codes.map((c) => c.id));
  const children = new Map<string | null, Code[]>();
  for (const c of codes) {
    const parent = c.parentId !== null && ids.has(c.parentId) ? c.parentId : null;
    const list = children.get(parent);
    if (list) list.push(c);
    else children.set(parent, [c]);
  }
  for (const list of children.values()) list.sort((a, b) => a.order - b.order || collator.compare(a.name, b.name));
  const out: { code: Code; depth: number; path: string[] }[] = [];
  const seen = new Set<string>();
  const walk = (parent: string | null, depth: number, prefix: string[]): void => {
    for (const c of children.get(parent) ?? []) {
      if (seen.has(c.id)) continue;
      seen.add(c.id);
      const path = [...prefix, c.name];
      out.push({ code: c, depth, path });
      walk(c.id, depth + 1, path);
    }
  };
  walk(null, 0, []);
  const byId = new Map(codes.map((c) => [c.id, c]));
  for (const c of codes) if (!seen.has(c.id)) out.push({ code: c, depth: 0, path: codePath(c, byId) });
  return out;
}

/** Ids of all codes below `id` (children, grandchildren, …, breadth first), without `id` itself. */
export function descendantIds(codes: readonly Code[], id: string): string[] {
  const children = new Map<string, string[]>();
  for (const c of codes) {
    if (c.parentId === null) continue;
    const list = children.get(c.parentId);
    if (list) list.push(c.id);
    else children.set(c.parentId, [c.id]);
  }
  const out: string[] = [];
  const seen = new Set<string>([id]);
  const queue = [id];
  for (let i = 0; i < queue.length; i++) {
    for (const child of children.get(queue[i] as string) ?? []) {
      if (seen.has(child)) continue;
      seen.add(child);
      out.push(child);
      queue.push(child);
    }
  }
  return out;
}
