/** The kinds of treatment a clinic offers; the treatments.category CHECK constraint lists the same. */
export const TREATMENT_CATEGORIES = ['injectable', 'laser', 'skincare', 'facial', 'body', 'device', 'consultation'] as const;
export type TreatmentCategory = (typeof TREATMENT_CATEGORIES)[number];
