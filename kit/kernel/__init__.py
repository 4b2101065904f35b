"""Kernels for a room: forked from a warm template, with the ordinary launch as fallback.

Starting a kernel imports ipykernel, ipywidgets, pandas, matplotlib, SQLAlchemy and the kit: the
same seconds of work for every participant who joins. On Linux the kit's kernelspec
(``jamkit``, in ``kit/share/jupyter/kernels``) names the provisioner
:class:`kit.kernel.provisioner.ForkProvisioner`, which asks a *template* process
(:mod:`kit.kernel.template`) that has imported all of that once to fork a kernel. The child
shares the template's memory copy-on-write and starts in a fraction of a second.

Where fork is not available (macOS, Windows), when ``JAMKIT_FORK=0`` is set, when the kernel's
environment asks for something only an interpreter start can apply, or when the template is
down, the provisioner launches the kernel the ordinary way (``jupyter_client``'s
``LocalProvisioner``); both paths pass the same tests.

:mod:`kit.kernel.pool` keeps the room's pool of ready kernels in view (``--participants N``).
This package imports no widgets.
"""
