"""Demo step for activities (filled in with the capability)."""
