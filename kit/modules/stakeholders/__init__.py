"""Intressentanalys (stakeholder analysis): who is affected by the work, who can affect its
result, a strategy per category, and the communication plan that follows from it.

Parts: ``rules`` (pure rules, doctested), ``schema`` (the RowTable column schemas),
``examples`` (the worked example, read from ``example.<lang>.yaml``), ``records`` (the
payload saved through the store and the facilitator's export hooks), ``files`` (download and
upload as the kit's JSON and XLSX), ``plots`` (figures) and ``app`` (the page).
"""
