import { de, type MessageKey } from './de.js';
import { en } from './en.js';

export type Language = 'de' | 'en';
const catalogues: Record<Language, Record<MessageKey, string>> = { de, en };

let current: Language = 'de';
const listeners = new Set<() => void>();

export function getLanguage(): Language {
  return current;
}

/** Switch the UI language; components re-render through `onLanguageChange`. */
export function setLanguage(lang: Language): void {
  current = lang;
  document.documentElement.lang = lang;
  try {
    localStorage.setItem('sichtbar.lang', lang);
  } catch {
    // storage may be unavailable (private mode); the choice then lasts for the page only
  }
  for (const l of listeners) l();
}

export function initLanguage(): void {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem('sichtbar.lang');
  } catch {
    stored = null;
  }
  if (stored === 'en' || stored === 'de') current = stored;
  document.documentElement.lang = current;
}

export function onLanguageChange(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Translate a key, filling {placeholders}. */
export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  return catalogues[current][key].replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}

/** A Lit reactive controller: re-renders its host when the language changes. */
export class LanguageController {
  private off: (() => void) | undefined;
  constructor(private readonly host: { addController(c: LanguageController): void; requestUpdate(): void }) {
    host.addController(this);
  }
  hostConnected(): void {
    this.off = onLanguageChange(() => this.host.requestUpdate());
  }
  hostDisconnected(): void {
    this.off?.();
  }
}
