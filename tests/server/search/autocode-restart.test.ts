import { afterEach, describe, expect, it } from 'vitest';
import { applyAutocode, listAutocodeRuns, undoAutocode } from '../../../server/domain/autocode.js';
import { makeDeps } from '../../../server/domain/deps.js';
import { LowdbStore } from '../../../server/storage/lowdb-store.js';
import { ALICE, seedProject, tempDir } from '../helpers.js';

describe('autocoding runs are kept with the project', () => {
  let cleanup: () => Promise<void> = async () => undefined;
  afterEach(() => cleanup());

  it('a run can be undone as one step after the store was closed and opened again (a restart)', async () => {
    const t = await tempDir('sichtbar-autocode-');
    let store = await LowdbStore.open(t.dir);
    cleanup = async () => {
      await store.close();
      await t.cleanup();
    };
    const { projectId, codes } = await seedProject(store);
    const run = await applyAutocode(makeDeps(store), projectId, ALICE, { query: 'Atmosphäre OR Thema', codeId: codes.summary!, unit: 'word' });
    expect(run.segments.length).toBe(2);
    const coded = (await store.listSegments(projectId)).length;
    expect(coded).toBe(2);

    await store.close();
    store = await LowdbStore.open(t.dir);
    const deps = makeDeps(store);
    expect((await listAutocodeRuns(deps, projectId)).map((r) => r.id)).toEqual([run.id]);
    expect(await undoAutocode(deps, projectId, ALICE, run.id)).toEqual({ deleted: 2 });
    expect(await store.listSegments(projectId)).toEqual([]);
    expect(await listAutocodeRuns(deps, projectId)).toEqual([]);
  });
});
