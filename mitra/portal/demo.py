"""Demo step for portal (filled in with the capability)."""
