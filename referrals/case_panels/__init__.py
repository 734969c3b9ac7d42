"""What referrals add to the case page: the referrals and urgent concerns
(`referrals`), and the agencies involved (`involvement`)."""
