import { isLocale, LOCALES, type Locale } from '../../../src/i18n/locale-vocabulary.ts';
import { LANGUAGE_NAMES } from './language-names.ts';

/** A labelled choice of one of the app's languages, each named in its own words. */
export function LanguageSelect({ label, value, onChange }: { label: string; value: Locale; onChange: (locale: Locale) => void }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => isLocale(e.target.value) && onChange(e.target.value)}>
        {LOCALES.map((l) => (
          <option key={l} value={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
