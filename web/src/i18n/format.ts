import { useTranslation } from 'react-i18next';

const LOCALES: Record<string, string> = { en: 'en-GB', th: 'th-TH', zh: 'zh-CN' };

// Building an Intl formatter costs far more than using one (a day's calendar formats hundreds of
// values), so each locale and option set is built once per page load.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function cached<F extends Intl.NumberFormat | Intl.DateTimeFormat>(
  kind: string,
  locale: string,
  options: object,
  build: () => F,
): F {
  const key = `${kind}|${locale}|${JSON.stringify(options)}`;
  let formatter = formatters.get(key) as F | undefined;
  if (!formatter) formatters.set(key, (formatter = build()));
  return formatter;
}

const numberFormat = (locale: string, options: Intl.NumberFormatOptions) =>
  cached('number', locale, options, () => new Intl.NumberFormat(locale, options));
const dateFormat = (locale: string, options: Intl.DateTimeFormatOptions) =>
  cached('date', locale, options, () => new Intl.DateTimeFormat(locale, options));

/** Number, money and date formatting in the reader's language and the clinic's time zone. */
export function useFormat(timeZone?: string) {
  const { i18n } = useTranslation();
  const locale = LOCALES[i18n.language] ?? 'en-GB';
  return {
    /** Prices are stored in the currency's minor unit (satang for THB). */
    money: (minor: number, currency = 'THB') => numberFormat(locale, { style: 'currency', currency }).format(minor / 100),
    number: (value: number, digits = 0) => numberFormat(locale, { maximumFractionDigits: digits }).format(value),
    percent: (ratio: number) => numberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(ratio),
    /** A quantity with its unit in the reader's words: `unit(120, 'millisecond')` → "120 ms". */
    unit: (value: number, unit: string, digits = 0) =>
      numberFormat(locale, { style: 'unit', unit, unitDisplay: 'short', maximumFractionDigits: digits }).format(value),
    dateTime: (iso: string) => dateFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso)),
    date: (iso: string) => dateFormat(locale, { dateStyle: 'medium', timeZone }).format(new Date(iso)),
    time: (iso: string) => dateFormat(locale, { timeStyle: 'short', timeZone }).format(new Date(iso)),
  };
}
