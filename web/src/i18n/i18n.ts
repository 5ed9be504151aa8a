import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { isLocale, type Locale } from '../../../src/i18n/locale-vocabulary.ts';

const STORED = 'bwai.language';

// Each feature folder keeps its strings in <feature>/locales/<language>.json; the folder is the
// namespace, so features add strings without touching a shared file.
const files = import.meta.glob<{ default: Record<string, unknown> }>('../*/locales/*.json', { eager: true });
const resources: Record<string, Record<string, Record<string, unknown>>> = {};
for (const [path, module] of Object.entries(files)) {
  const [, namespace, , file] = path.split('/');
  const language = file!.replace('.json', '');
  (resources[language] ??= {})[namespace!] = module.default;
}

/** The visitor's own choice, else the browser's language when we have it, else Thai (the first market). */
function initialLanguage(): Locale {
  const stored = localStorage.getItem(STORED);
  if (isLocale(stored)) return stored;
  const browser = navigator.language.slice(0, 2);
  return isLocale(browser) ? browser : 'th';
}

void i18next.use(initReactI18next).init({
  resources,
  lng: initialLanguage(),
  fallbackLng: 'en',
  defaultNS: 'app',
  interpolation: { escapeValue: false },
});
document.documentElement.lang = i18next.language;

export function chooseLanguage(language: Locale): void {
  localStorage.setItem(STORED, language);
  void i18next.changeLanguage(language);
  document.documentElement.lang = language;
}

export { i18next };
