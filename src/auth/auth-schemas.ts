import { z } from 'zod';
import { ClinicSummary } from '../clinics/clinic-schemas.ts';
import { Email, FullName, Locale, NewPassword, Phone, User } from '../users/user-schemas.ts';

export const SignUpBody = z.object({
  clinicSlug: z.string().min(3).max(63),
  email: Email,
  password: NewPassword,
  fullName: FullName,
  phone: Phone.optional(),
  locale: Locale.optional(),
});

export const SignInBody = z.object({
  email: z.string().min(3).max(254),
  password: z.string().min(1).max(200),
});

export const SessionResponse = z.object({ user: User, expiresAt: z.iso.datetime() });
export const CsrfResponse = z.object({ token: z.string() });
export const RevokedResponse = z.object({ revokedSessions: z.number().int() });
export const MeResponse = User.extend({
  clinic: ClinicSummary.nullable(),
  twoFactorEnrolmentRequired: z.boolean().meta({
    description: 'The role must have two-factor sign-in and it is off: only enrolment is open until it is on.',
  }),
}).meta({ id: 'Me' });

/** The one answer to every accepted sign-up, new address or not: nothing in it tells the two apart. */
export const CheckYourEmail = z
  .object({ status: z.literal('check-your-email') })
  .meta({ id: 'CheckYourEmail', description: 'An email is on its way to the address given.' });
export const VerifyEmailBody = z.object({ token: z.string().min(1).max(200) });

export const PasswordResetRequestBody = z.object({ email: Email });
export const PasswordResetBody = z.object({ token: z.string().min(1).max(200), password: NewPassword });
export const ChangePasswordBody = z.object({ currentPassword: z.string().min(1).max(200), newPassword: NewPassword });
export const ProfileBody = z
  .object({ fullName: FullName.optional(), phone: Phone.nullable().optional(), locale: Locale.optional() })
  .refine((b) => Object.values(b).some((v) => v !== undefined), 'name at least one of fullName, phone, locale');

export const TwoFactorRequired = z
  .object({ status: z.literal('two-factor-required'), challenge: z.string(), expiresAt: z.iso.datetime() })
  .meta({
    id: 'TwoFactorRequired',
    description: 'The password was right; send the challenge with a code to POST /api/auth/sign-in/two-factor.',
  });
const Code = z.string().trim().min(6).max(20);
export const SecondStepBody = z.object({ challenge: z.string().min(1).max(200), code: Code });
export const CodeBody = z.object({ code: Code });
export const TwoFactorStatus = z.object({
  enabled: z.boolean(),
  recoveryCodesLeft: z.number().int(),
  recommended: z.boolean().meta({ description: 'Super admins and clinic owners are asked to turn it on.' }),
  required: z.boolean().meta({ description: 'This role must have it on (TWO_FACTOR_REQUIRED_ROLES).' }),
});
export const TwoFactorEnrolment = z.object({
  secret: z.string().meta({ description: 'Base32, for typing into an authenticator app by hand' }),
  otpauthUri: z.string().meta({ description: 'otpauth://totp/… for a QR code' }),
});
export const RecoveryCodes = z.object({
  recoveryCodes: z.array(z.string()).meta({ description: 'Each works once in place of a code; shown only now.' }),
});
