"""Real-name verification: who an investor is (legal name, identity document, date of birth),
checked through an identity provider before any money moves (DESIGN §4, Accounts and identity)."""
