"""Statistik: sex-disaggregated statistics — the indicator in total and for women and men, the
gap and its trend, small counts protected — and the indicators a group carries into its
gender-impact analysis (moment 6 of SKR's guide)."""
