import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../src/i18n/locale-vocabulary.ts';

// The web app fetches only the reader's language (web/src/i18n/i18n.ts), so a key missing from it
// would show raw instead of falling back to English. Plural forms differ by language (Thai and
// Chinese have no `_one`), so keys are compared without their plural suffix.
const WEB = 'web/src';
const PLURAL = /_(zero|one|two|few|many|other)$/;

function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix.replace(PLURAL, '')];
  return Object.entries(value).flatMap(([key, inner]) => keysOf(inner, prefix ? `${prefix}.${key}` : key));
}

const features = readdirSync(WEB).filter((feature) => existsSync(join(WEB, feature, 'locales')));

describe('every language of the web app has every string', () => {
  it('finds the feature folders with strings', () => {
    expect(features).toContain('app');
  });

  it.each(features)('%s', (feature) => {
    const keys = LOCALES.map((language) => {
      const file = join(WEB, feature, 'locales', `${language}.json`);
      return [...new Set(keysOf(JSON.parse(readFileSync(file, 'utf8')) as unknown))].sort();
    });
    for (const languageKeys of keys.slice(1)) expect(languageKeys).toEqual(keys[0]);
  });
});
