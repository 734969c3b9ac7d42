"""What referrals tells the apps beside it, through the registry of `cases.events`
(ADR 0004): a referral was sent. Welfare registers a handler that meets the duties
the referral answers (a victim's referral to support, a family's offer of support,
the children's referral to the hub), in the same transaction as the sending."""

# Payload: `referral` (sent, its disclosure fixed), `actor`.
REFERRAL_SENT = "referral_sent"
