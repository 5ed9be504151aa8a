import { AppError } from './app-error.ts';

interface PgError {
  code?: string;
  constraint?: string;
}

// Unique constraints whose violation is the client's doing, by constraint name.
const UNIQUE_CONSTRAINTS: Record<string, AppError['code']> = {
  users_email_key: 'email-taken',
  clinics_slug_key: 'slug-taken',
};

/** The one SQLSTATE map: a database error that a client caused becomes a typed AppError; others pass through. */
export function fromPostgresError(error: unknown): unknown {
  if (typeof error !== 'object' || error === null || !('code' in error)) return error;
  const { code, constraint } = error as PgError;
  switch (code) {
    case '23505': // unique_violation
      return new AppError(UNIQUE_CONSTRAINTS[constraint ?? ''] ?? 'conflict');
    case '23503': // foreign_key_violation
      // Deleting a row others still point at is a conflict; pointing at an absent row (or another
      // clinic's, which composite keys make the same thing) is not found.
      return /^update or delete on table/.test(String((error as { message?: unknown }).message))
        ? new AppError('still-in-use')
        : new AppError('not-found', 'A referenced record does not exist.');
    case '23P01': // exclusion_violation: the only exclusion constraints keep bookings from overlapping
      return new AppError('slot-taken');
    case '42501': // insufficient_privilege, including a row-level security WITH CHECK failure
      return new AppError('not-found');
    case '57014': // query_canceled (statement_timeout)
      return new AppError('database-timeout');
    case '22P02': // invalid_text_representation (e.g. a malformed uuid that slipped past a schema)
      return new AppError('validation-failed', 'A value has the wrong format.');
    case '22021': // character_not_in_repertoire: a NUL byte in text, should any reach a query past the schemas
    case '22P05': // untranslatable_character: the same inside jsonb
      return new AppError('invalid-input', 'A value holds text that cannot be stored.');
    default:
      return error;
  }
}
