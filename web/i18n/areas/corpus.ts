/** Strings of the corpus area (German default, English second). Keys start with "corpus.". */
export const de = {} as const;

export const en: Record<keyof typeof de, string> = {};
