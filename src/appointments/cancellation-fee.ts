export interface FeeTier {
  hoursBefore: number;
  feePercent: number;
}

export interface CancellationFee {
  feePercent: number;
  feeSatang: number;
  hoursBeforeStart: number;
}

/**
 * The fee for cancelling (or moving) an appointment now: the tier with the smallest `hoursBefore`
 * that the remaining time is under. With the default policy, 5 h before start is 100%, 10 h is 75%,
 * 20 h is 50%, and a day or more is free.
 */
export function cancellationFee(priceSatang: number, startsAt: Date, now: Date, tiers: FeeTier[]): CancellationFee {
  const hoursBeforeStart = (startsAt.getTime() - now.getTime()) / 3_600_000;
  const tier = [...tiers].sort((a, b) => a.hoursBefore - b.hoursBefore).find((t) => hoursBeforeStart < t.hoursBefore);
  const feePercent = tier?.feePercent ?? 0;
  // Satang are integers; round half up so a 50% fee on an odd price is never a fraction.
  return { feePercent, feeSatang: Math.round((priceSatang * feePercent) / 100), hoursBeforeStart };
}
