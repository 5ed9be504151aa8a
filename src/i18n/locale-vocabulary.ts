// The languages the platform speaks, free of server code so that the API and the web app offer the same
// ones; the request schemas build their zod enum from this list (users/user-schemas.ts).

export const LOCALES = ['en', 'th', 'zh'] as const;
export type Locale = (typeof LOCALES)[number];

export const isLocale = (value: unknown): value is Locale =>
  typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
