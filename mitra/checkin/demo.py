"""Demo step for checkin (filled in with the capability)."""
