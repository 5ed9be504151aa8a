import { i18next } from '../i18n/i18n.ts';
import en from './invitation-strings/en.json';
import th from './invitation-strings/th.json';
import zh from './invitation-strings/zh.json';

// As the account pages' strings: they travel with the invitation page's own chunk, not the first one.
for (const [language, strings] of Object.entries({ en, th, zh })) i18next.addResourceBundle(language, 'invitation', strings);
