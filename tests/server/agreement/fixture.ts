import { addDocuments } from '../../../server/domain/corpus.js';
import { createCode } from '../../../server/domain/codebook.js';
import { makeDeps, type Deps } from '../../../server/domain/deps.js';
import { createProject } from '../../../server/domain/projects.js';
import type { Segment } from '../../../server/schemas/segment.js';
import type { User } from '../../../server/schemas/user.js';
import { MemoryStore } from '../../../server/storage/memory-store.js';

export interface Fixture {
  deps: Deps;
  projectId: string;
  docs: string[];
  codes: Record<string, string>;
  users: Record<string, string>;
  code: (coder: string, doc: number, code: string, start: number, end: number, memo?: string) => Promise<Segment>;
}

let counter = 0;

/** A project with `docCount` documents of `length` characters, the given codes and coder users. */
export async function makeFixture(options: { docCount: number; length: number; codes: string[]; coders: string[]; deps?: Deps }): Promise<Fixture> {
  const deps = options.deps ?? makeDeps(new MemoryStore());
  const project = await createProject(deps, { name: `Agreement ${++counter}` });
  const docs = await addDocuments(
    deps,
    project.id,
    Array.from({ length: options.docCount }, (_, i) => ({ title: `Dokument ${i + 1}`, kind: 'observation' as const, text: 'x'.repeat(options.length), attributes: {} })),
  );
  const codes: Record<string, string> = {};
  for (const name of options.codes) codes[name] = (await createCode(deps, project.id, { name })).id;
  const users: Record<string, string> = {};
  for (const login of options.coders) {
    const existing = await deps.store.findUserByLogin(login);
    if (existing) {
      users[login] = existing.id;
      continue;
    }
    const user: User = { id: `u-${login}`, login, displayName: login.toUpperCase(), role: 'researcher', passwordHash: 'disabled', created: deps.now(), version: 1 };
    await deps.store.putUser(user);
    users[login] = user.id;
  }
  const code = async (coder: string, doc: number, name: string, start: number, end: number, memo = ''): Promise<Segment> => {
    const now = deps.now();
    const s: Segment = { id: deps.newId(), documentId: docs[doc]!.id, codeId: codes[name]!, start, end, coder: users[coder]!, memo, created: now, modified: now, version: 1 };
    await deps.store.commit(project.id, { segments: { put: [s] } });
    return s;
  };
  return { deps, projectId: project.id, docs: docs.map((d) => d.id), codes, users, code };
}
