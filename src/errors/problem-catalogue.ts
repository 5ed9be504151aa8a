/**
 * Every problem the API can answer with: its stable code (the last segment of the problem `type`),
 * HTTP status, title, and what a client should do. One place, so status and docs cannot drift.
 */
export const PROBLEMS = {
  'validation-failed': {
    status: 400,
    title: 'The request is not valid',
    detail: 'Fix the fields listed in `errors` and send it again.',
  },
  'malformed-request': {
    status: 400,
    title: 'The request body could not be read',
    detail: 'Send well-formed JSON with a matching Content-Type.',
  },
  'invalid-input': {
    status: 400,
    title: 'The request holds text that cannot be stored',
    detail:
      'A field named in `errors` holds a NUL or another control character (tab and line breaks are fine) or a lone UTF-16 surrogate; remove it and send again.',
  },
  'malformed-url': {
    status: 400,
    title: 'The URL is not well-formed',
    detail: 'A path segment has invalid percent-encoding; encode it with encodeURIComponent.',
  },
  unauthenticated: { status: 401, title: 'Sign-in required', detail: 'Sign in and send the session cookie.' },
  'invalid-credentials': {
    status: 401,
    title: 'Email or password is wrong',
    detail: 'The same answer is given for an unknown email, so accounts cannot be discovered.',
  },
  forbidden: { status: 403, title: 'Not allowed for your role', detail: 'Your role does not permit this action.' },
  'csrf-token-invalid': {
    status: 403,
    title: 'CSRF token missing or invalid',
    detail: 'Fetch a token from GET /api/auth/csrf and send it in the x-csrf-token header.',
  },
  'email-not-verified': {
    status: 403,
    title: 'Verify your email address first',
    detail:
      'Follow the link emailed to you at sign-up (POST /api/auth/verify-email with its token); POST /api/auth/verify-email/resend sends a new one.',
  },
  'sign-up-by-invitation-only': {
    status: 403,
    title: 'This clinic takes new customers by invitation only',
    detail: 'Ask the clinic to add you; it cannot be joined by signing up.',
  },
  'account-token-invalid': {
    status: 400,
    title: 'This link is not valid any more',
    detail: 'It was already used, has expired, or was replaced by a newer one; ask for a new email.',
  },
  'wrong-current-password': {
    status: 403,
    title: 'The current password is wrong',
    detail: 'Changing the password needs the one in use now; if it is forgotten, sign out and reset it by email.',
  },
  'two-factor-code-invalid': {
    status: 400,
    title: 'The code is wrong',
    detail:
      'Send the 6-digit code your authenticator app shows now (each code works once), or one of your unused recovery codes.',
  },
  'two-factor-unavailable': {
    status: 503,
    title: 'Authenticator codes cannot be checked now',
    detail:
      "The server cannot open the stored authenticator key (its TOTP_ENCRYPTION_KEY is not the one it was sealed with). Sign in with one of your recovery codes, or ask the platform's operator.",
  },
  'two-factor-enrolment-required': {
    status: 403,
    title: 'Turn on two-factor sign-in first',
    detail:
      'Your role must sign in with a second factor: start at POST /api/me/two-factor/enrolment and confirm with a code; until then nothing else is open.',
  },
  'account-disabled': {
    status: 403,
    title: 'This account is disabled',
    detail: 'Ask your clinic administrator to enable it again.',
  },
  'clinic-suspended': {
    status: 403,
    title: 'This clinic is not active',
    detail: 'The clinic is suspended or cancelled; contact the platform operator.',
  },
  'not-found': {
    status: 404,
    title: 'Not found',
    detail: 'Nothing with this id exists for you (rows of other clinics are reported the same way).',
  },
  'route-not-found': {
    status: 404,
    title: 'No such route',
    detail: 'Check the method and path against the OpenAPI document at /docs.',
  },
  conflict: { status: 409, title: 'Conflicts with the current state', detail: 'Reload the resource and try again.' },
  'consent-required': {
    status: 403,
    title: 'Consent to face-image processing is required',
    detail: 'Record consent with POST /api/analysis-consent (text from GET /api/analysis-consent) before uploading a photo.',
  },
  'analysis-quota-exceeded': {
    status: 402,
    title: "The clinic's monthly analysis quota is used up",
    detail: '`resetsAt` says when the quota renews; a larger tier raises it.',
  },
  'customer-analysis-allowance-exceeded': {
    status: 429,
    title: "This customer has used this month's analyses",
    detail:
      "A clinic lets each customer take `limit` analyses of its quota per month so one account cannot use up everyone's; `resetsAt` says when it renews.",
  },
  'storage-quota-exceeded': {
    status: 402,
    title: "The clinic's storage quota is used up",
    detail: 'Delete old photos or move the clinic to a larger tier.',
  },
  // Answers both a super admin choosing OpenAI and an upload for a clinic on OpenAI, on a node without
  // an API key. 409 rather than 503 for the upload too: the clinic's setting conflicts with how the
  // platform is deployed, and retrying does not help until one of the two changes.
  'analysis-provider-unavailable': {
    status: 409,
    title: "The clinic's skin-analysis provider is not available",
    detail:
      'The OpenAI provider needs an API key on the platform. A super admin can set the clinic to the local provider, or the platform operator can configure the key.',
  },
  'still-in-use': {
    status: 409,
    title: 'Other records still refer to this one',
    detail: 'For example a customer with appointments: keep the record, or remove what refers to it first.',
  },
  'slot-taken': {
    status: 409,
    title: 'This time is no longer free',
    detail: 'Someone booked the staff member or room first; pick another slot from the availability list.',
  },
  'slot-unavailable': {
    status: 409,
    title: 'This time cannot be booked',
    detail:
      'It is outside working hours, inside the minimum notice, beyond the booking horizon, or taken; pick a slot from GET /api/availability.',
  },
  'fee-confirmation-required': {
    status: 409,
    title: 'A cancellation fee applies',
    detail: 'Send the request again with acceptFeeSatang equal to `feeSatang` to accept the fee.',
  },
  'reschedule-window-closed': {
    status: 409,
    title: 'Too late to move this appointment',
    detail: 'Inside the cancellation-fee window an appointment can only be cancelled (with the fee) or moved by the clinic.',
  },
  'too-many-upcoming-bookings': {
    status: 409,
    title: 'You already hold as many upcoming appointments as the clinic allows',
    detail:
      'Cancel or attend one of your upcoming appointments first (`limit` says how many you may hold), or ask the clinic to book for you.',
  },
  'invalid-transition': {
    status: 409,
    title: 'Not possible in the current state',
    detail: '`currentStatus` names the state and `allowed` the moves it permits.',
  },
  'email-taken': { status: 409, title: 'This email is already registered', detail: 'Sign in instead, or use another email.' },
  'slug-taken': { status: 409, title: 'This clinic slug is already used', detail: 'Choose another slug.' },
  'last-active-owner': {
    status: 409,
    title: 'The clinic would have no active owner',
    detail: 'Make another staff member an owner first.',
  },
  'cannot-disable-self': {
    status: 409,
    title: 'You cannot disable your own account',
    detail: 'Ask another owner or admin to do it.',
  },
  'tier-user-limit': {
    status: 402,
    title: "The clinic's plan allows no more users",
    detail: 'Disable a user or move the clinic to a larger tier.',
  },
  'payload-too-large': { status: 413, title: 'The request body is too large', detail: 'Send a smaller body.' },
  'path-parameter-too-long': {
    status: 414,
    title: 'A path parameter is too long',
    detail: 'Ids and other path parameters have a maximum length (100 characters); check the URL.',
  },
  'unsupported-media-type': { status: 415, title: 'Unsupported content type', detail: 'Send application/json.' },
  'unsupported-image-type': {
    status: 415,
    title: 'This file is not a photo type we accept',
    detail:
      'Send a JPEG, PNG or WebP photo. HEIC (the iPhone default) cannot be read yet: export it as JPEG, or set the camera to "Most Compatible".',
  },
  'image-unreadable': {
    status: 422,
    title: 'The photo could not be read',
    detail: 'The file is damaged or incomplete; take or export the photo again.',
  },
  'image-too-large-pixels': {
    status: 422,
    title: 'The photo has too many pixels',
    detail: 'Send a photo of at most `maxPixels` pixels (width × height); resize it first.',
  },
  'too-many-requests': { status: 429, title: 'Too many requests', detail: 'Wait for the number of seconds in Retry-After.' },
  'sign-in-locked': {
    status: 429,
    title: 'Too many failed sign-ins',
    detail: 'Sign-in for this account or address is paused; wait for Retry-After.',
  },
  'too-many-streams': {
    status: 429,
    title: 'Too many live streams open',
    detail: 'You hold the most live progress streams allowed (`maxStreams`); close one (another tab) and open it again.',
  },
  'database-timeout': { status: 503, title: 'The database took too long', detail: 'Try again shortly.' },
  overloaded: {
    status: 503,
    title: 'The server is busy',
    detail:
      'The server is at capacity and refused the request before running it; send it again after the number of seconds in Retry-After.',
  },
  'service-unavailable': { status: 503, title: 'Service not ready', detail: 'A dependency is unavailable; try again shortly.' },
  'internal-error': {
    status: 500,
    title: 'Something went wrong on our side',
    detail: 'The error was logged with the request id; try again or report it with that id.',
  },
} as const satisfies Record<string, { status: number; title: string; detail: string }>;

export type ProblemCode = keyof typeof PROBLEMS;

export const problemType = (code: ProblemCode) => `/problems/${code}`;
