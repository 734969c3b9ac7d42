# Models arrive with the referrals issue.
