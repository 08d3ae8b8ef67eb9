"""What a run writes besides its report: the quarantine files and the terminal block."""
