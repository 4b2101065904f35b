"""The facilitator's module: create or open a workshop, hand out join links and QR codes,
follow every group live on the projector, and export the workshop.

- :mod:`.rules` — its pure rules (names, occasions, sealed keys, join links);
- :mod:`.app` — ``App``, the page, put together from its parts: :mod:`.landing` (create,
  open and remove a workshop), :mod:`.groups` (the groups and their links),
  :mod:`.overview` (the live overview) and :mod:`.exports` (the files out and in).

Nothing of a workshop is shown without its facilitator key (see :mod:`kit.domain.access`).
The exports hold every module's part through the hooks described in :mod:`kit.io.workshop`.
"""
