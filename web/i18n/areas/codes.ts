/** Strings of the codes area (German default, English second). Keys start with "codes.". */
export const de = {} as const;

export const en: Record<keyof typeof de, string> = {};
