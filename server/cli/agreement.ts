/**
 * `sichtbar agreement` (issue 6): the intercoder agreement table.
 *
 *   sichtbar agreement --data DIR [--coders a,b] --level document|segment|unitizing [--threshold 0.9]
 *                      [--set NAME] [--code ID,…] [--json | --csv | --md]
 *
 * Coders by login name (or user id); without --coders every coder who coded in the scope. --json
 * prints `{ level, coders, threshold, overall, codes }`; the default is Markdown.
 */
import { computeAgreement } from '../domain/agreement.js';
import { agreementToCsv, agreementToMarkdown } from '../export/agreement-report.js';
import { AgreementLevelSchema } from '../schemas/agreement.js';
import { pickProject, UsageError, withStore, type CliCommand } from './common.js';

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const list = (value: unknown): string[] | undefined =>
  typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter((s) => s.length > 0) : undefined;

export const agreementCommand: CliCommand = {
  name: 'agreement',
  usage:
    '  agreement --data DIR [--coders a,b] [--level document|segment|unitizing] [--threshold 0.9] [--set NAME] [--code ID,…] [--json|--csv|--md]\n' +
    '        intercoder agreement per code and overall (segment level: overlap = intersection ÷ union ≥ threshold)',
  options: {
    coders: { type: 'string' },
    level: { type: 'string' },
    threshold: { type: 'string' },
    set: { type: 'string' },
    code: { type: 'string' },
    csv: { type: 'boolean', default: false },
    md: { type: 'boolean', default: false },
  },
  run: async ({ values, positionals, io, dataDir, projectOption, json }) => {
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const level = AgreementLevelSchema.safeParse(str(values['level']) ?? 'document');
    if (!level.success) throw new UsageError('--level must be document, segment or unitizing');
    const thresholdText = str(values['threshold']);
    let threshold: number | undefined;
    if (thresholdText !== undefined) {
      threshold = Number(thresholdText);
      if (!/^\d*\.?\d+$/.test(thresholdText) || !(threshold >= 0.01 && threshold <= 1)) throw new UsageError('--threshold must be a number from 0.01 to 1 (e.g. 0.9)');
    }
    const coders = list(values['coders']);
    if (coders && coders.length < 1) throw new UsageError('--coders needs at least one login name');
    const set = str(values['set']);
    const codes = list(values['code']);
    const formats = [json, values['csv'] === true, values['md'] === true].filter(Boolean).length;
    if (formats > 1) throw new UsageError('choose one of --json, --csv, --md');
    const { result, project, now } = await withStore(dataDir, async (store, deps) => {
      const projectId = await pickProject(store, projectOption);
      const r = await computeAgreement(deps, projectId, {
        level: level.data,
        ...(coders ? { coders } : {}),
        ...(threshold !== undefined ? { threshold } : {}),
        ...(set ? { setId: set } : {}),
        ...(codes ? { codeIds: codes } : {}),
      });
      return { result: r, project: (await store.getProject(projectId))?.name ?? projectId, now: deps.now() };
    });
    if (json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
    else if (values['csv'] === true) io.stdout(agreementToCsv(result));
    else io.stdout(agreementToMarkdown(result, { project, generated: now }));
    return 0;
  },
};
