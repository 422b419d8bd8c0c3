"""Pages of the hazard ledger: the ledger, a hazard with its action forms, and campaigns."""
