/** Strings of the segments area (German default, English second). Keys start with "segments.". */
export const de = {} as const;

export const en: Record<keyof typeof de, string> = {};
