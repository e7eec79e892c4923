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
import type { MessageKey } from './de.js';

/** English UI strings; the type demands every German key. */
export const en: Record<MessageKey, string> = { ...shell.en, ...corpus.en, ...document.en, ...codes.en, ...segments.en, ...memos.en, ...comparison.en, ...forms.en, ...agreement.en, ...search.en, ...exchange.en, ...audit.en, ...pseudonyms.en, ...account.en };
