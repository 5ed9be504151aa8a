import { useTranslation } from 'react-i18next';

const LOCALES: Record<string, string> = { en: 'en-GB', th: 'th-TH', zh: 'zh-CN' };

/** Number, money and date formatting in the reader's language and the clinic's time zone. */
export function useFormat(timeZone?: string) {
  const { i18n } = useTranslation();
  const locale = LOCALES[i18n.language] ?? 'en-GB';
  return {
    /** Prices are stored in the currency's minor unit (satang for THB). */
    money: (minor: number, currency = 'THB') => new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 100),
    number: (value: number, digits = 0) => new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(value),
    percent: (ratio: number) => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 }).format(ratio),
    dateTime: (iso: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso)),
    date: (iso: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone }).format(new Date(iso)),
    time: (iso: string) => new Intl.DateTimeFormat(locale, { timeStyle: 'short', timeZone }).format(new Date(iso)),
  };
}
