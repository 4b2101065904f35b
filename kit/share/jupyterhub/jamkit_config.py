"""JämKit on JupyterHub: load this file from the hub's configuration.

* The Littlest JupyterHub: copy it into ``/opt/tljh/config/jupyterhub_config.d/``.
* Zero to JupyterHub: mount it with ``hub.extraFiles`` and load it from ``hub.extraConfig``
  with ``load_subconfig`` (``deploy/z2jh/values.yaml``); pasted into ``extraConfig`` its first
  line would fail, since the chart runs those snippets with a ``get_config`` of its own.
* A plain JupyterHub: ``load_subconfig("/path/to/jamkit_config.py")`` in jupyterhub_config.py.

What it does (docs/deployment.md explains why):

* Every user's own server runs the apps only (``jamkit-singleuser``, :mod:`kit.hub`): Voilà
  behind the hub's login, no JupyterLab, no code execution, landing on the start page.
  Facilitators use the same server: their page needs no code either.
* Members of the group ``jamkit-lab`` (``JAMKIT_LAB_GROUP``) may also start a second, named
  server ``lab`` with JupyterLab (``/hub/spawn/<name>/lab``). It does not get the apps'
  database URL: only ``JAMKIT_LAB_DB_URL`` if the administrator sets one (e.g. a read-only
  analyst's role). Anyone else asking for a named server is refused.
* The apps' servers get ``JAMKIT_DB_URL`` from the hub's own environment when it is set there
  (the runtime role of ``python -m kit db``, never the schema owner); or set it yourself with
  ``c.Spawner.environment.update({"JAMKIT_DB_URL": ...})`` in a root-only file.

Settings, read from the hub's environment: ``JAMKIT_DB_URL``, ``JAMKIT_LAB_GROUP``
(``jamkit-lab``), ``JAMKIT_LAB_DB_URL`` (none), ``JAMKIT_CULL_SECONDS`` (``0``: leave culling
to TLJH's or Zero to JupyterHub's own culler; a number: start jupyterhub-idle-culler here with
that timeout, and ``JAMKIT_CULL_MAX_AGE``, 43200 s by default, for servers kept busy by a
tab left open).
"""

import os
import sys

c = get_config()  # noqa: F821 - JupyterHub's config loader provides it

JAMKIT_LAB_GROUP = os.environ.get("JAMKIT_LAB_GROUP", "jamkit-lab")
JAMKIT_LAB_SERVER = "lab"
JAMKIT_APPS = "/voila/render/start.ipynb"

# The hub's login page with a line on where it leads, in Swedish and English, and its orange at
# WCAG AA contrast: the folder jamkit_templates/ beside this file, when it is there (copied
# with it into TLJH's jupyterhub_config.d; mounted beside it by Zero to JupyterHub).
_templates = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jamkit_templates")
if os.path.isfile(os.path.join(_templates, "login.html")):
    c.JupyterHub.template_paths.prepend([_templates])  # before the hub's own, which it extends

c.Spawner.cmd = ["jamkit-singleuser"]
c.Spawner.default_url = JAMKIT_APPS
c.Spawner.http_timeout = 120  # a user's first server start imports pandas and matplotlib
c.JupyterHub.allow_named_servers = True
c.JupyterHub.named_server_limit_per_user = 1

# This file is loaded as a sub-configuration (TLJH's jupyterhub_config.d, load_subconfig): it
# cannot read what the main file set, so containers are extended (merged when loaded), never
# replaced.
_db_url = os.environ.get("JAMKIT_DB_URL", "")
if _db_url:
    c.Spawner.environment.update({"JAMKIT_DB_URL": _db_url})


def jamkit_pre_spawn_hook(spawner):
    """The apps for everybody's own server; JupyterLab, without the apps' database, for the
    lab group's named server ``lab``; nothing else."""
    from tornado import web

    if not spawner.name:
        spawner.cmd = ["jamkit-singleuser"]
        spawner.default_url = JAMKIT_APPS
        return
    groups = {group.name for group in spawner.user.groups}
    if spawner.name != JAMKIT_LAB_SERVER or JAMKIT_LAB_GROUP not in groups:
        raise web.HTTPError(403, f"JupyterLab is for the group {JAMKIT_LAB_GROUP} only "
                                 f"(server name {JAMKIT_LAB_SERVER!r}).")
    spawner.cmd = ["jupyterhub-singleuser"]
    spawner.default_url = "/lab"
    environment = {k: v for k, v in dict(spawner.environment or {}).items() if not k.startswith("JAMKIT_DB")}
    lab_db = os.environ.get("JAMKIT_LAB_DB_URL", "")
    if lab_db:
        environment["JAMKIT_DB_URL"] = lab_db
    spawner.environment = environment


# One pre-spawn hook per hub: a hub that has one of its own calls jamkit_pre_spawn_hook from it
# (paste this function beside it) instead of loading this line.
c.Spawner.pre_spawn_hook = jamkit_pre_spawn_hook

_cull = int(os.environ.get("JAMKIT_CULL_SECONDS", "0") or 0)
if _cull > 0:
    c.JupyterHub.services.append({
        "name": "jamkit-idle-culler",
        "command": [sys.executable, "-m", "jupyterhub_idle_culler", f"--timeout={_cull}",
                    f"--cull-every={max(10, min(300, _cull // 3))}",
                    # a tab left open (its heartbeat is activity) still ends within a day
                    f"--max-age={int(os.environ.get('JAMKIT_CULL_MAX_AGE', '43200') or 0)}"],
    })
    c.JupyterHub.load_roles.append({
        "name": "jamkit-idle-culler",
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
        "services": ["jamkit-idle-culler"],
    })
