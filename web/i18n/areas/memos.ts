/** Strings of the memos area (German default, English second). Keys start with "memos.". */
export const de = {} as const;

export const en: Record<keyof typeof de, string> = {};
