import type { z } from 'zod';
import type { Treatment as TreatmentSchema } from '../../../src/treatments/treatment-schemas.ts';
import type { SetupProgress as SetupProgressSchema } from '../../../src/setup/setup-progress-schemas.ts';
import type { StaffSchedule as StaffScheduleSchema } from '../../../src/schedules/schedule-schemas.ts';
import type { OwnClinic as OwnClinicSchema } from '../../../src/clinics/clinic-schemas.ts';
import type { User } from '../../../src/users/user-schemas.ts';

export type Treatment = z.output<typeof TreatmentSchema>;
export type { TreatmentCategory } from '../../../src/treatments/treatment-vocabulary.ts';
export type SetupProgress = z.output<typeof SetupProgressSchema>;
export type StaffSchedule = z.output<typeof StaffScheduleSchema>;
export type OwnClinic = z.output<typeof OwnClinicSchema>;
export type StaffMember = z.output<typeof User>;
export interface Room {
  id: string;
  name: string;
  isActive: boolean;
  createdAt: string;
}
