import { describe, expect, it } from 'vitest';
import { CodePointIndex, cpLength, normaliseText } from '../../server/domain/text.js';

describe('code-point offsets', () => {
  const text = 'A😀b e\u0301 🇩🇪 Übergabe';

  it('counts astral characters once and combining marks separately', () => {
    expect(cpLength('😀')).toBe(1);
    expect(cpLength('e\u0301')).toBe(2);
    expect(cpLength(text)).toBe([...text].length);
  });

  it('maps code points to UTF-16 and back', () => {
    const index = new CodePointIndex(text);
    const chars = [...text];
    for (let cp = 0; cp <= chars.length; cp++) {
      const u = index.toUtf16(cp);
      expect(text.slice(0, u)).toBe(chars.slice(0, cp).join(''));
      expect(index.toCodePoint(u)).toBe(cp);
    }
    expect(index.slice(1, 3)).toBe('😀b');
    expect(index.slice(7, 9)).toBe('🇩🇪');
  });

  it('normalises to NFC with LF line endings', () => {
    expect(normaliseText('U\u0308ber\r\nGabe\rEnde')).toBe('Über\nGabe\nEnde');
  });
});
