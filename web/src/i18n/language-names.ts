import type { Locale } from '../../../src/i18n/locale-vocabulary.ts';

/** Each language in its own words, as a reader looks for it in a list. */
export const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', th: 'ไทย', zh: '中文' };
