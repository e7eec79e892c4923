import { describe, expect, it } from 'vitest';
import { suggestPseudonyms } from '../../../server/domain/pseudonym-suggestions.js';
import { germanWords } from '../../../server/domain/german-words.js';

// A fictitious protocol.
const TEXT = [
  'Die Fachkraft begrüßt Frau Kowalczyk und Herrn Abendroth im Beratungsraum.',
  'Familie Kowalczyk wohnt seit dem Sommer in Quellbrück und kommt aus Hamburg.',
  'Der Sohn Malte besucht die Birkenschule; Malte hat oft Bauchschmerzen.',
  'Danach sprechen sie über den Antrag beim Jobcenter und die Termine im Dezember.',
].join('\n');

describe('suggestions', () => {
  const suggestions = suggestPseudonyms([{ id: 'd1', text: TEXT }, { id: 'd2', text: 'Malte kam nicht.' }], [{ real: 'Abendroth', pseudonym: 'Lindner', category: 'person' }]);
  const byText = new Map(suggestions.map((s) => [s.text, s]));

  it('finds names after Frau, Herr(n), Familie as persons, with count, documents and contexts', () => {
    expect(byText.get('Kowalczyk')).toMatchObject({ category: 'person', reason: 'title', count: 2, documents: 1, inKey: false });
    expect(byText.get('Kowalczyk')!.contexts[0]).toContain('Frau Kowalczyk und Herrn');
    expect(byText.get('Abendroth')).toMatchObject({ category: 'person', reason: 'title', inKey: true });
  });

  it('finds known places and places after in/aus/nach', () => {
    expect(byText.get('Hamburg')).toMatchObject({ category: 'place', reason: 'known-place' });
    expect(byText.get('Quellbrück')).toMatchObject({ category: 'place', reason: 'preposition' });
  });

  it('finds institutions and other unknown capitalised words', () => {
    expect(byText.get('Birkenschule')).toMatchObject({ category: 'institution', reason: 'institution' });
    expect(byText.get('Malte')).toMatchObject({ category: 'person', reason: 'unknown-word', count: 3, documents: 2 });
  });

  it('leaves ordinary German words, compounds and sentence starts alone', () => {
    for (const word of ['Die', 'Fachkraft', 'Beratungsraum', 'Sommer', 'Sohn', 'Bauchschmerzen', 'Danach', 'Antrag', 'Jobcenter', 'Termine', 'Dezember', 'Frau', 'Familie', 'Herrn']) {
      expect(byText.has(word), word).toBe(false);
    }
    expect(germanWords().has('beratung')).toBe(true);
    expect(germanWords().has('lüneburg')).toBe(false);
  });

  it('orders by confidence, never suggests a pseudonym of the key, honours the limit', () => {
    expect(suggestions[0]!.reason).toBe('title');
    expect(suggestPseudonyms([{ id: 'd', text: 'Frau Lindner kam.' }], [{ real: 'Abendroth', pseudonym: 'Lindner', category: 'person' }])).toEqual([]);
    expect(suggestPseudonyms([{ id: 'd1', text: TEXT }], [], 2)).toHaveLength(2);
  });
});
