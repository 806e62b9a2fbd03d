// The lengths the trainee's profile fields allow, apart from their schemas: the forms show them
// in the browser, and importing them from profile.schema.ts would ship valibot with the page.
export const PROFILE_LIMITS = { name: 120, specialty: 120, programme: 200 } as const;
