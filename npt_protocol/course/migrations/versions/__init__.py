"""One module per schema change, each a step from the one before."""
