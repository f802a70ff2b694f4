"""Money on an agreement: its budget's contribution lines and their totals in USD."""
