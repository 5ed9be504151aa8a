// Who a request to the plain-pool baseline is from. The API reads this from the session cookie (a
// session statement); the baseline reads it from this header, which the load generator sends to both
// servers so both get the same request list (the API ignores it).
export const PRINCIPAL_HEADER = 'x-bench-principal';

export function principalHeader(clinicId: string, userId: string): Record<string, string> {
  return { [PRINCIPAL_HEADER]: `${clinicId} ${userId}` };
}
