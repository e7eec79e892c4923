/** Strings of the account dialog: own password, sign out everywhere (issue 9). Keys start with "account.". */
export const de = {
  'account.open': 'Konto',
  'account.heading': 'Konto von {name}',
  'account.password.heading': 'Passwort ändern',
  'account.password.current': 'Aktuelles Passwort',
  'account.password.new': 'Neues Passwort (mindestens 8 Zeichen)',
  'account.password.repeat': 'Neues Passwort wiederholen',
  'account.password.mismatch': 'Die beiden neuen Passwörter stimmen nicht überein.',
  'account.password.tooShort': 'Das neue Passwort braucht mindestens 8 Zeichen.',
  'account.password.submit': 'Passwort ändern',
  'account.password.done': 'Passwort geändert. Alle anderen Anmeldungen wurden beendet.',
  'account.everywhere.heading': 'Überall abmelden',
  'account.everywhere.intro': 'Beendet alle Anmeldungen dieses Kontos auf allen Geräten, auch diese – etwa nach einem verlorenen Laptop.',
  'account.everywhere.submit': 'Überall abmelden',
  'account.close': 'Schließen',
} as const;

export const en: Record<keyof typeof de, string> = {
  'account.open': 'Account',
  'account.heading': 'Account of {name}',
  'account.password.heading': 'Change password',
  'account.password.current': 'Current password',
  'account.password.new': 'New password (at least 8 characters)',
  'account.password.repeat': 'Repeat new password',
  'account.password.mismatch': 'The two new passwords do not match.',
  'account.password.tooShort': 'The new password needs at least 8 characters.',
  'account.password.submit': 'Change password',
  'account.password.done': 'Password changed. Every other session has been ended.',
  'account.everywhere.heading': 'Sign out everywhere',
  'account.everywhere.intro': 'Ends every session of this account on every device, this one too – for example after a lost laptop.',
  'account.everywhere.submit': 'Sign out everywhere',
  'account.close': 'Close',
};
