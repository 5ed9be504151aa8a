import type { z } from 'zod';
import type { Invitation, InvitationPage } from '../../../src/staff/invitation-schemas.ts';
import type { StaffPage } from '../../../src/staff/staff-schemas.ts';
import type { ScheduleException, StaffSchedule } from '../../../src/schedules/schedule-schemas.ts';
import type { User } from '../../../src/users/user-schemas.ts';

export type StaffMember = z.output<typeof User>;
export type StaffList = z.output<typeof StaffPage>;
export type PendingInvitation = z.output<typeof Invitation>;
export type PendingInvitations = z.output<typeof InvitationPage>;
export type Schedule = z.output<typeof StaffSchedule>;
export type Exception = z.output<typeof ScheduleException>;

/** Every query of this feature starts with this key, so one write refreshes what it touched. */
export const TEAM_KEY = ['team'] as const;
