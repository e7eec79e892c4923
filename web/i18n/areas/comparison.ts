/** Strings of the comparison area (German default, English second). Keys start with "comparison.". */
export const de = {} as const;

export const en: Record<keyof typeof de, string> = {};
