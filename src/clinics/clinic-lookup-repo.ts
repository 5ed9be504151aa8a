import type pg from 'pg';
import type { Locale } from '../i18n/locale-vocabulary.ts';

export interface PublicClinicRow {
  id: string;
  slug: string;
  name: string;
  is_active: boolean;
  time_zone: string;
  locale: Locale;
}

/** Before sign-up there is no tenant yet: the security-definer function returns only public fields. */
export async function findPublicClinicBySlug(pool: pg.Pool, slug: string): Promise<PublicClinicRow | undefined> {
  const { rows } = await pool.query<PublicClinicRow>('SELECT * FROM public_clinic_by_slug($1)', [slug]);
  return rows[0];
}
