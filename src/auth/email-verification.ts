import { signUpPolicyOf } from '../clinics/sign-up-policy.ts';
import type { Actor, Tx } from '../db/tenant-transaction.ts';
import { AppError } from '../errors/app-error.ts';
import { isEmailVerified } from '../users/user-repo.ts';

/**
 * A self-registered customer whose address is not verified may look around but not spend the clinic's
 * resources (photos, bookings), unless the clinic's sign-up is `open`. Staff acting for a customer pass:
 * the clinic vouches for them.
 */
export async function assertEmailVerifiedWhereRequired(tx: Tx, actor: Actor, clinicId: string): Promise<void> {
  if (actor.role !== 'customer') return;
  if (await isEmailVerified(tx, actor.userId)) return;
  if ((await signUpPolicyOf(tx, clinicId)) === 'open') return;
  throw new AppError('email-not-verified');
}
