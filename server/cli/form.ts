import type { CliCommand } from './common.js';
import { pickProject, UsageError, withStore } from './common.js';
import { formToJsonSchema } from '../domain/form-records.js';
import { formCoverage, formToFile, generateProposals, getFormVersion, listForms } from '../domain/forms.js';
import type { Deps } from '../domain/deps.js';
import { backlogToMarkdown } from '../export/form-backlog.js';

const USAGE = `  form coverage|proposals|export --data DIR [--project P] [--form ID] [--json]
      coverage    which fields capture the work seen in consultations; uncovered work; fields to simplify
      proposals   generate proposals from uncovered work (kept with the project) and list them (--json or Markdown)
      export      the current (or --version N) form as JSON, or --format json-schema (JSON Schema 2020-12)`;

async function pickForm(deps: Deps, projectId: string, wanted: string | undefined): Promise<string> {
  const forms = await listForms(deps, projectId);
  if (wanted) {
    if (!forms.some((f) => f.id === wanted)) throw new UsageError(`no form "${wanted}"; forms: ${forms.map((f) => f.id).join(', ') || 'none'}`);
    return wanted;
  }
  const first = forms[0];
  if (!first) throw new UsageError('the project has no form yet');
  return first.id;
}

/** `sichtbar form coverage|proposals|export`. */
export const formCommand: CliCommand = {
  name: 'form',
  usage: USAGE,
  options: { form: { type: 'string' }, format: { type: 'string' }, version: { type: 'string' } },
  run: async ({ values, positionals, io, dataDir, projectOption, json }) => {
    const sub = positionals[0];
    if (sub !== 'coverage' && sub !== 'proposals' && sub !== 'export') throw new UsageError(`form: choose coverage, proposals or export${sub ? ` (not "${sub}")` : ''}`);
    if (positionals.length > 1) throw new UsageError(`form ${sub} takes no further arguments (got "${positionals[1]}")`);
    const format = typeof values['format'] === 'string' ? values['format'] : 'json';
    if (format !== 'json' && format !== 'json-schema') throw new UsageError('--format is json or json-schema');
    const versionText = typeof values['version'] === 'string' ? values['version'] : undefined;
    if (versionText !== undefined && !/^[1-9]\d{0,5}$/.test(versionText)) throw new UsageError('--version is a positive whole number');
    return withStore(dataDir, async (store, deps) => {
      const projectId = await pickProject(store, projectOption);
      const formId = await pickForm(deps, projectId, typeof values['form'] === 'string' ? values['form'] : undefined);
      if (sub === 'coverage') {
        const cov = await formCoverage(deps, projectId, formId);
        if (json) {
          io.stdout(`${JSON.stringify(cov, null, 2)}\n`);
          return 0;
        }
        const lines = [`Formular ${formId}, Version ${cov.version}`, '', 'Felder (ausgefüllt / Dokumentationen, mittlere Länge):'];
        for (const f of cov.fields) lines.push(`  ${f.fieldId}: ${f.filled}/${f.records}, ${Math.round(f.meanLength)} Zeichen`);
        lines.push('', `Nicht erfasste Arbeit (${cov.uncovered.length}):`);
        for (const u of cov.uncovered) lines.push(`  ${u.path.join(' › ')} (${u.documentsA} Beratungen)`);
        lines.push('', 'Kandidaten zum Vereinfachen:');
        for (const s of cov.simplify) lines.push(`  ${s.fieldId}: ${s.reasons.join(', ')}`);
        io.stdout(`${lines.join('\n')}\n`);
        return 0;
      }
      if (sub === 'proposals') {
        const { requirements } = await generateProposals(deps, projectId, formId, { userId: 'cli', role: 'admin' });
        if (json) {
          const codes = new Map((await store.listCodes(projectId)).map((c) => [c.id, c.name]));
          const out = requirements.map((r) => ({
            id: r.id,
            title: r.title,
            change: r.change,
            fieldType: r.fieldType,
            codes: r.codes.map((id) => ({ id, name: codes.get(id) ?? id })),
            evidence: { documentsA: r.evidence.documentsA, documentsB: r.evidence.documentsB, quotes: r.evidence.quotes.map((q) => q.text) },
          }));
          io.stdout(`${JSON.stringify(out, null, 2)}\n`);
          return 0;
        }
        const v = await getFormVersion(deps, projectId, formId);
        io.stdout(backlogToMarkdown(requirements, { formTitle: v.form.title }));
        return 0;
      }
      const v = await getFormVersion(deps, projectId, formId, versionText !== undefined ? Number(versionText) : undefined);
      const out = format === 'json-schema' ? formToJsonSchema(v.form, v.number) : formToFile(v.form, await store.listCodes(projectId));
      io.stdout(`${JSON.stringify(out, null, 2)}\n`);
      return 0;
    });
  },
};
