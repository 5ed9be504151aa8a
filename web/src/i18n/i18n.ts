import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { isLocale, type Locale } from '../../../src/i18n/locale-vocabulary.ts';

const STORED = 'bwai.language';

// Each feature folder keeps its strings in <feature>/locales/<language>.json; the folder is the
// namespace, so features add strings without touching a shared file. The files are not bundled into
// the first chunk: a reader needs one language of three, and vite.config.ts gathers each language's
// files into a chunk of its own, fetched when that language is chosen.
const files = import.meta.glob<Record<string, unknown>>('../*/locales/*.json', { import: 'default' });

/** Adds every feature's strings in `language` to i18next, once. */
async function loadLanguage(language: Locale): Promise<void> {
  if (i18next.hasResourceBundle(language, 'app')) return;
  await Promise.all(
    Object.entries(files)
      .filter(([path]) => path.endsWith(`/${language}.json`))
      .map(async ([path, load]) => i18next.addResourceBundle(language, path.split('/')[1]!, await load())),
  );
}

/** The visitor's own choice, else the browser's language when we have it, else Thai (the first market). */
function initialLanguage(): Locale {
  const stored = localStorage.getItem(STORED);
  if (isLocale(stored)) return stored;
  const browser = navigator.language.slice(0, 2);
  return isLocale(browser) ? browser : 'th';
}

const language = initialLanguage();
void i18next.use(initReactI18next).init({
  resources: {},
  lng: language,
  // Every language has every key (test/web-units/locale-keys.test.ts), so English is not fetched for
  // a Thai or Chinese reader; it is still consulted when a reader switched from it.
  fallbackLng: 'en',
  defaultNS: 'app',
  interpolation: { escapeValue: false },
});
document.documentElement.lang = language;

/** Settles when the reader's language has arrived: the app renders after it, so no raw key shows. */
export const languageReady: Promise<void> = loadLanguage(language);

/** Switches once the chosen language's strings are there, so the page never shows keys in between. */
export async function chooseLanguage(chosen: Locale): Promise<void> {
  localStorage.setItem(STORED, chosen);
  await loadLanguage(chosen);
  await i18next.changeLanguage(chosen);
  document.documentElement.lang = chosen;
}

export { i18next };
