"""Energy performance: consumption, DPE classes, the Décret tertiaire trajectory."""
