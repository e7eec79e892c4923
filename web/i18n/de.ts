import * as agreement from './areas/agreement.js';
import * as codes from './areas/codes.js';
import * as comparison from './areas/comparison.js';
import * as corpus from './areas/corpus.js';
import * as document from './areas/document.js';
import * as memos from './areas/memos.js';
import * as search from './areas/search.js';
import * as segments from './areas/segments.js';
import * as shell from './areas/shell.js';
import * as forms from './areas/forms.js';
import * as exchange from './areas/exchange.js';
import * as audit from './areas/audit.js';
import * as pseudonyms from './areas/pseudonyms.js';
import * as account from './areas/account.js';

/** German UI strings (the default language), merged from one module per area. */
export const de = { ...shell.de, ...corpus.de, ...document.de, ...codes.de, ...segments.de, ...memos.de, ...comparison.de, ...forms.de, ...agreement.de, ...search.de, ...exchange.de, ...audit.de, ...pseudonyms.de, ...account.de } as const;

export type MessageKey = keyof typeof de;
