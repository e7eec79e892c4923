/** Strings of the document area (German default, English second). Keys start with "document.". */
export const de = {} as const;

export const en: Record<keyof typeof de, string> = {};
