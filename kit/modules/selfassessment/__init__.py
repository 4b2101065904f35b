"""Självskattning (self-assessment): SKR's *Checklista för jämställdhetsintegrering*, ten
moments scored 1–4, first by each role and then by the group together.

Parts: ``app`` (``App``, the page: a :class:`kit.ui.group.GroupApp`), ``results`` (what the
page draws of a group's saved work: results, the published reference tables, a moment card's
texts) and ``records`` (the payload saved through the store and the queries on it); the pure
rules live in :mod:`kit.domain.scores`. This package's ``__init__`` imports nothing, so that
:mod:`kit.store` can reach :mod:`.records` without loading the page.
"""
