/** The German Porter (Snowball) stemmer of natural, deep-imported to avoid natural's main entry. */
declare module 'natural/lib/natural/stemmers/porter_stemmer_de.js' {
  const PorterStemmerDe: { stem(word: string): string };
  export default PorterStemmerDe;
}
