"""Förbättringsteori: the improvement theory built backwards (a results chain of six steps),
the Model for Improvement and PDSA cycles on run charts with their rules."""
