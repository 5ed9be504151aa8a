import { i18next } from '../i18n/i18n.ts';
import en from './strings/en.json';
import th from './strings/th.json';
import zh from './strings/zh.json';

// Kept out of the locales/ folders the first chunk bundles: these strings travel with the account
// pages' own chunk and join i18next when it loads.
for (const [language, strings] of Object.entries({ en, th, zh })) i18next.addResourceBundle(language, 'account', strings);
