import type pg from 'pg';
import type { Config } from '../config.ts';
import { recordAudit, type RequestMeta } from '../audit/audit-log.ts';
import type { ClinicService } from '../clinics/clinic-service.ts';
import type { PublicClinicRow } from '../clinics/clinic-lookup-repo.ts';
import { signUpPolicyOf } from '../clinics/sign-up-policy.ts';
import { insertCustomer } from '../customers/customer-repo.ts';
import { actAsUser, ANONYMOUS, enterTenant, withTenant, type Actor, type TenantScope } from '../db/tenant-transaction.ts';
import { AppError, conflict, notFound } from '../errors/app-error.ts';
import type { Locale } from '../i18n/locale-vocabulary.ts';
import type { Logger } from '../logger.ts';
import type { EmailSender } from '../notifications/email-sender.ts';
import { findUserById, insertUser, isEmailVerified, markEmailVerified, type UserRow } from '../users/user-repo.ts';
import { createAccountMail } from './account-mail.ts';
import { issueAccountToken, redeemAccountToken, secondsSinceLastToken } from './account-tokens.ts';
import { hashPassword } from './passwords.ts';

export interface SignUpInput {
  clinicSlug: string;
  email: string;
  password: string;
  fullName: string;
  phone?: string | undefined;
  locale?: Locale | undefined;
}

// A user who asks for the link again gets a new one at most this often: each one is an email we send.
const RESEND_INTERVAL_SECONDS = 60;

export interface SignUpDeps {
  pool: pg.Pool;
  clinics: Pick<ClinicService, 'findPublicClinicBySlug' | 'clinicSummary'>;
  email: EmailSender | null;
  log: Logger;
  config: Pick<Config, 'EMAIL_VERIFICATION_HOURS' | 'PUBLIC_URL'>;
}

const isTakenEmail = (error: unknown) =>
  typeof error === 'object' &&
  error !== null &&
  (error as { code?: string; constraint?: string }).constraint === 'users_email_key';

/**
 * Customers joining a clinic on their own, and proving their address. Sign-up answers the same whether
 * or not the address is already registered (the owner of a registered address is told by email
 * instead), so it cannot be used to discover accounts.
 */
export function createSignUpService({ pool, clinics, email, log, config }: SignUpDeps) {
  const ttlMinutes = config.EMAIL_VERIFICATION_HOURS * 60;

  const send = createAccountMail(email, log);

  function verificationEmail(to: string, clinicName: string, token: string) {
    const link = `${config.PUBLIC_URL ?? ''}/verify-email?token=${token}`;
    return {
      to,
      subject: `Confirm your email address for ${clinicName}`,
      text: [
        `Welcome to ${clinicName}. Confirm that this address is yours by opening this link:`,
        '',
        link,
        '',
        `Your verification code: ${token}`,
        '',
        `It works once and expires in ${config.EMAIL_VERIFICATION_HOURS} hours. If you did not sign up, ignore this email.`,
      ].join('\n'),
    };
  }

  function alreadyRegisteredEmail(to: string, clinicName: string) {
    return {
      to,
      subject: `Someone tried to sign up at ${clinicName} with your email address`,
      text: [
        `Someone tried to create an account at ${clinicName} with this email address, which already has an account with us.`,
        '',
        'If it was you, sign in with your existing account instead (or reset your password if you forgot it).',
        'If it was not you, you do not need to do anything: no new account was created.',
      ].join('\n'),
    };
  }

  /** Creates the customer's user and customer record; returns the user and, when unverified, the link's token. */
  async function createCustomerAccount(
    clinic: PublicClinicRow,
    input: SignUpInput,
    meta: RequestMeta,
    { emailVerified }: { emailVerified: boolean },
  ): Promise<{ user: UserRow; token: string | null }> {
    const passwordHash = await hashPassword(input.password);
    const scope: TenantScope = { clinicId: clinic.id, userId: null, role: 'customer' };
    return withTenant(pool, scope, async (tx) => {
      if ((await signUpPolicyOf(tx, clinic.id)) === 'invitation-only' && !emailVerified)
        throw new AppError('sign-up-by-invitation-only');
      const user = await insertUser(tx, {
        clinicId: clinic.id,
        email: input.email,
        passwordHash,
        role: 'customer',
        fullName: input.fullName,
        phone: input.phone ?? null,
        locale: input.locale ?? clinic.locale,
        emailVerified,
      });
      await actAsUser(tx, user.id);
      await insertCustomer(tx, {
        clinicId: clinic.id,
        userId: user.id,
        fullName: user.full_name,
        email: user.email,
        phone: user.phone,
      });
      const token = emailVerified
        ? null
        : await issueAccountToken(tx, { clinicId: clinic.id, userId: user.id, purpose: 'verify-email', ttlMinutes });
      await recordAudit(
        tx,
        {
          clinicId: clinic.id,
          actorUserId: user.id,
          actorRole: 'customer',
          action: 'auth.sign_up',
          targetType: 'user',
          targetId: user.id,
        },
        meta,
      );
      return { user, token };
    });
  }

  async function activeClinic(slug: string): Promise<PublicClinicRow> {
    const clinic = await clinics.findPublicClinicBySlug(slug);
    if (!clinic || !clinic.is_active) throw notFound('clinic');
    return clinic;
  }

  return {
    /**
     * A customer signs up; nobody is signed in by it. A new address gets the verification link; an
     * address already registered anywhere on the platform gets a note that someone tried, and the
     * caller sees no difference. Refused only for what does not depend on the address: an unknown or
     * inactive clinic, or one that takes customers by invitation only.
     */
    async signUp(input: SignUpInput, meta: RequestMeta): Promise<void> {
      const clinic = await activeClinic(input.clinicSlug);
      try {
        const { user, token } = await createCustomerAccount(clinic, input, meta, { emailVerified: false });
        await send(verificationEmail(user.email, clinic.name, token!), 'verify-email');
      } catch (error) {
        if (!isTakenEmail(error)) throw error;
        await send(alreadyRegisteredEmail(input.email.toLowerCase(), clinic.name), 'sign-up-address-taken');
      }
    },

    /** A customer the platform itself registers (demo data): verified by construction. */
    async registerVerifiedCustomer(input: SignUpInput, meta: RequestMeta): Promise<UserRow> {
      const clinic = await activeClinic(input.clinicSlug);
      return (await createCustomerAccount(clinic, input, meta, { emailVerified: true })).user;
    },

    /** Spends the emailed token and marks its user's address verified. */
    async verifyEmail(token: string, meta: RequestMeta): Promise<void> {
      await withTenant(pool, ANONYMOUS, async (tx) => {
        const owner = await redeemAccountToken(tx, token, 'verify-email');
        if (!owner) throw new AppError('account-token-invalid');
        await enterTenant(tx, { clinicId: owner.clinicId, userId: owner.userId, role: 'customer' });
        await markEmailVerified(tx, owner.userId);
        await recordAudit(
          tx,
          {
            clinicId: owner.clinicId,
            actorUserId: owner.userId,
            actorRole: 'customer',
            action: 'auth.email_verify',
            targetType: 'user',
            targetId: owner.userId,
          },
          meta,
        );
      });
    },

    /** A new link for the signed-in user, whose address is not verified yet; the previous link stops working. */
    async resendVerification(actor: Actor): Promise<void> {
      const clinicId = actor.clinicId;
      if (!clinicId) throw conflict('This account has no address to verify.');
      const { user, token } = await withTenant(pool, actor, async (tx) => {
        const user = (await findUserById(tx, actor.userId))!;
        if (await isEmailVerified(tx, actor.userId)) throw conflict('This email address is already verified.');
        const since = await secondsSinceLastToken(tx, clinicId, actor.userId, 'verify-email');
        if (since !== null && since < RESEND_INTERVAL_SECONDS) {
          const wait = Math.ceil(RESEND_INTERVAL_SECONDS - since);
          throw new AppError('too-many-requests', `A new link can be sent in ${wait} s.`, {}, { 'retry-after': String(wait) });
        }
        const token = await issueAccountToken(tx, { clinicId, userId: actor.userId, purpose: 'verify-email', ttlMinutes });
        return { user, token };
      });
      const clinic = await clinics.clinicSummary(actor);
      await send(verificationEmail(user.email, clinic!.name, token), 'verify-email');
    },
  };
}

export type SignUpService = ReturnType<typeof createSignUpService>;
