"""Account security: two-factor authentication for staff, re-authentication, session lifetimes, lockout and rate limits."""
