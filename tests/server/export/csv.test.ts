import { describe, expect, it } from 'vitest';
import { csvField } from '../../../server/export/csv.js';
import { csvField as fromReport } from '../../../server/export/comparison-report.js';

describe('csvField', () => {
  it('quotes on quote, comma and line breaks by default; a pattern may add characters (";" for the spreadsheet export)', () => {
    expect(fromReport).toBe(csvField);
    expect(csvField('a;b')).toBe('a;b');
    expect(csvField('a;b', /[",\n\r;]/)).toBe('"a;b"');
    expect(csvField('=1;2', /[",\n\r;]/)).toBe('"\'=1;2"');
    expect(csvField('say "hi"', /[",\n\r;]/)).toBe('"say ""hi"""');
  });
});
