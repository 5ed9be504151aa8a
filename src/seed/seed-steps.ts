import { appointmentsStep } from './appointment-seed.ts';
import { clinicsStep } from './clinic-seed.ts';
import {
  roomsStep,
  scheduleExceptionsStep,
  staffTreatmentsStep,
  treatmentsStep,
  workingHoursStep,
} from './clinic-operations-seed.ts';
import { customersStep } from './customer-seed.ts';
import type { SeedStep } from './seed-step.ts';
import { usersStep } from './user-seed.ts';

/** In order: each step may use what the steps before it left in the world. */
export const SEED_STEPS: readonly SeedStep[] = [
  clinicsStep,
  usersStep,
  customersStep,
  treatmentsStep,
  roomsStep,
  workingHoursStep,
  scheduleExceptionsStep,
  staffTreatmentsStep,
  appointmentsStep,
];
