"""Könskonsekvensanalys: the guided gender-impact analysis (issue 17) — from the indicators a
group picked in the statistics step, through a könskonsekvensanalys and a jämställdhetsanalys,
the 4R and SKL's checklist for gender-equal decisions, to the text a decision paper needs."""
