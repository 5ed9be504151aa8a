import type { Locale } from '../i18n/locale-vocabulary.ts';

const INTL_LOCALE: Record<Locale, string> = { en: 'en-GB', th: 'th-TH', zh: 'zh-CN' };

/** A moment in the reader's language, in the clinic's time zone. */
export function formatWhen(locale: Locale, timeZone: string, at: Date): string {
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: 'full', timeStyle: 'short', timeZone }).format(at);
}

/** An amount in satang as baht, in the reader's language. */
export function formatBaht(locale: Locale, satang: number): string {
  return new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'currency', currency: 'THB' }).format(satang / 100);
}

/** The name in the reader's language, else any name the record has. */
export function localName(locale: Locale, names: { en: string | null; th: string | null; zh: string | null }): string {
  return names[locale] ?? names.en ?? names.th ?? names.zh ?? '';
}

/** Replaces each `{name}` in `template` with its value. */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}
