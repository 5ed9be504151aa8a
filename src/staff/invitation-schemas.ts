import { z } from 'zod';
import { PageQuery, pageSchema } from '../http/pagination.ts';
import { Email, FullName, Locale, NewPassword } from '../users/user-schemas.ts';
import { ASSIGNABLE_ON_CREATE } from '../users/role-vocabulary.ts';
import type { InvitationRow } from './invitation-repo.ts';

export const InviteStaffBody = z
  .object({
    email: Email,
    fullName: FullName,
    // The language of the email and of the account: the invitee reads the invitation in it.
    locale: Locale,
    role: z.enum(ASSIGNABLE_ON_CREATE),
  })
  .strict();

export const AcceptInvitationBody = z.object({ token: z.string().min(1).max(200), password: NewPassword }).strict();

export const InvitationListQuery = PageQuery;

export const Invitation = z
  .object({
    id: z.uuid().meta({ description: 'The id of the invited staff account' }),
    email: z.string(),
    fullName: z.string(),
    role: z.enum(ASSIGNABLE_ON_CREATE),
    locale: Locale,
    invitedAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().nullable().meta({ description: 'When the newest link stops working; it may have passed' }),
  })
  .meta({ id: 'Invitation' });

export const InvitationPage = pageSchema(Invitation);

export function toInvitation(row: InvitationRow): z.infer<typeof Invitation> {
  return {
    id: row.id,
    email: row.email,
    fullName: row.full_name,
    role: row.role as z.infer<typeof Invitation>['role'],
    locale: row.locale,
    invitedAt: row.created_at.toISOString(),
    expiresAt: row.expires_at?.toISOString() ?? null,
  };
}

export type InviteStaffInput = z.infer<typeof InviteStaffBody>;
export type InvitationListQuery = z.infer<typeof InvitationListQuery>;
