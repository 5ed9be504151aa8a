import type { Tx } from '../db/tenant-transaction.ts';

/**
 * How customers join a clinic. `email-verified` (the default): anyone may sign up, but a customer
 * cannot upload photos or book until they follow the link emailed to them. `open`: the account works
 * at once (the link is still sent). `invitation-only`: sign-up is refused; the clinic adds customers.
 */
export const SIGN_UP_POLICIES = ['open', 'email-verified', 'invitation-only'] as const;
export type SignUpPolicy = (typeof SIGN_UP_POLICIES)[number];
export const DEFAULT_SIGN_UP_POLICY: SignUpPolicy = 'email-verified';

export async function signUpPolicyOf(tx: Tx, clinicId: string): Promise<SignUpPolicy> {
  const { rows } = await tx.query<{ policy: SignUpPolicy | null }>(
    `SELECT settings->>'signUpPolicy' AS policy FROM clinics WHERE id = $1`,
    [clinicId],
  );
  return rows[0]?.policy ?? DEFAULT_SIGN_UP_POLICY;
}
