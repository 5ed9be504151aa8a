import { z } from 'zod';

export const SetupProgress = z
  .object({
    bookingLink: z.string().meta({ description: "Path of the clinic's own sign-up and booking page, /c/<slug>" }),
    treatment: z.boolean().meta({ description: 'An active treatment exists' }),
    room: z.boolean().meta({ description: 'An active room exists' }),
    workingHours: z.boolean().meta({ description: 'An active staff member has weekly hours' }),
    bookableSlot: z.boolean().meta({ description: 'A customer could book a slot within the next two weeks' }),
    bookingLinkShared: z.boolean().meta({ description: 'A manager has copied the booking link to share it' }),
  })
  .meta({ id: 'SetupProgress' });
