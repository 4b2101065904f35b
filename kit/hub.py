"""``jamkit-singleuser`` (``python -m kit hub``): a participant's server on JupyterHub that runs
the apps and nothing else.

JupyterHub starts one server per user. The stock one (``jupyterhub-singleuser``) is Jupyter
Server with JupyterLab: whoever reaches ``/user/<name>/lab`` can run any Python there, read
the environment (the database URL with its password) and so every group's answers. This
command is what the kit's hub configuration (``kit/share/jupyterhub/jamkit_config.py``)
starts for participants instead: standalone Voilà on the kit's notebooks, under the hub's
prefix (``/user/<name>/``) and behind the hub's own login (JupyterHub's OAuth identity
provider for Jupyter servers, which Voilà takes as its ``identity_provider_class``). A page
there can send widget messages only — Voilà refuses ``execute_request`` from the browser —
and the server has no ``/lab``, no ``/api/contents``, no terminal and no way to start a
kernel of the visitor's choosing.

Everything else is :func:`kit.serve.command`: the kit's template, its kernel manager, the
timeouts, idle kernels culled after 30 minutes. What differs on a hub:

* the address and port are the ones the spawner gives (``JUPYTERHUB_SERVICE_URL``) and the
  routes live under ``JUPYTERHUB_SERVICE_PREFIX``, so ``/user/<name>/voila/render/start.ipynb``
  is the same address as under ``jupyterhub-singleuser`` with the Voilà extension;
* no kernel is kept ready by default (``--participants 0``): every logged-in user holds a
  server, and a ready kernel would double what an idle one costs;
* kernels launch the ordinary way (``JAMKIT_FORK=0``): one user's server has one or two
  kernels, too few for a warm template to pay for itself (docs/deployment.md has the figures).
"""

from __future__ import annotations

import json
import os
import sys
from urllib.parse import urlsplit

#: The variables a JupyterHub spawner sets for a user's server (JupyterHub's spawner docs).
PREFIX_ENV = "JUPYTERHUB_SERVICE_PREFIX"
SERVICE_URL_ENV = "JUPYTERHUB_SERVICE_URL"
HUB_BASE_ENV = "JUPYTERHUB_BASE_URL"


def on_hub(env=None) -> bool:
    """Whether this process runs in a JupyterHub user's server (the spawner set its prefix).

    >>> on_hub({"JUPYTERHUB_SERVICE_PREFIX": "/user/anna/"}), on_hub({})
    (True, False)
    """
    env = os.environ if env is None else env
    return bool(str(env.get(PREFIX_ENV, "")).strip())


def listen_address(env=None) -> tuple[str, int]:
    """Where the spawner asks the server to listen: ``JUPYTERHUB_SERVICE_URL``'s host and port
    (JupyterHub 1.0 and later), else every address on port 8888 (an older spawner).

    >>> listen_address({"JUPYTERHUB_SERVICE_URL": "http://127.0.0.1:47213/user/anna/"})
    ('127.0.0.1', 47213)
    >>> listen_address({"JUPYTERHUB_SERVICE_URL": "http://0.0.0.0:8888/user/anna/"})
    ('0.0.0.0', 8888)
    >>> listen_address({})
    ('0.0.0.0', 8888)
    """
    env = os.environ if env is None else env
    url = urlsplit(str(env.get(SERVICE_URL_ENV, "") or ""))
    return (url.hostname or "0.0.0.0", url.port or 8888)


def prefix(env=None) -> str:
    """The user's server's prefix, with a slash at each end.

    >>> prefix({"JUPYTERHUB_SERVICE_PREFIX": "/user/anna"}), prefix({})
    ('/user/anna/', '/')
    """
    env = os.environ if env is None else env
    value = "/" + str(env.get(PREFIX_ENV, "") or "").strip("/")
    return value if value == "/" else value + "/"


def _identity_class():
    """JupyterHub's identity provider for Jupyter servers, fitted to standalone Voilà: Voilà
    adds the provider's routes without its ``base_url``, so the OAuth callback is put under the
    prefix here, and Voilà's ``token`` argument is dropped (the hub's token is the provider's)."""
    from jupyter_server.utils import url_path_join
    from jupyterhub.singleuser.extension import JupyterHubIdentityProvider

    class HubIdentityProvider(JupyterHubIdentityProvider):
        def __init__(self, **kwargs):
            kwargs.pop("token", None)
            kwargs.pop("login_handler_class", None)
            super().__init__(**kwargs)

        def get_handlers(self):
            return [(url_path_join(prefix(), route), *rest) for route, *rest in super().get_handlers()]

    return HubIdentityProvider


#: Voilà reads ``--Voila.identity_provider_class`` as an import string.
IDENTITY = "kit.hub.HubIdentityProvider"
AUTHORIZER = "jupyterhub.singleuser.extension.JupyterHubAuthorizer"


def __getattr__(name):
    if name == "HubIdentityProvider":  # imported only on a hub: jupyterhub is no dependency
        return _identity_class()
    raise AttributeError(name)


def command(participants: int = 0, notebooks: str | None = None, env=None) -> list[str]:
    """Voilà as :func:`kit.serve.command` starts it, on the spawner's address, under the
    user's prefix, behind the hub's login."""
    from kit import serve

    env = os.environ if env is None else env
    ip, port = listen_address(env)
    args = serve.command(port, lan=False, token=None, participants=participants,
                         notebooks=notebooks, ip=ip)
    extra = [f"--Voila.base_url={prefix(env)}",
             f"--Voila.identity_provider_class={IDENTITY}",
             f"--Voila.authorizer_class={AUTHORIZER}",
             "--Voila.port_retries=0"]
    try:  # the hub checks its users' servers' JupyterHub against its own, by this header
        from jupyterhub import __version__ as version

        extra.append("--Voila.tornado_settings=" + json.dumps({"headers": {"X-JupyterHub-Version": version}}))
    except ImportError:
        pass
    return [*args, *extra]


def main(argv=None) -> int:
    """``jamkit-singleuser [--participants N] [--notebooks DIR]``, as a spawner's ``cmd``."""
    import argparse

    from kit import serve

    p = argparse.ArgumentParser(prog="jamkit-singleuser",
                                description="JämKit för en användare på JupyterHub / a user's JämKit server on JupyterHub")
    p.add_argument("--participants", type=int, default=0, metavar="N",
                   help="kernels hållna redo / kernels kept ready (0)")
    p.add_argument("--notebooks", default=os.environ.get("JAMKIT_NOTEBOOKS") or None, metavar="DIR",
                   help="mappen med apparna / the apps' folder (standard/default: the kit's own)")
    p.add_argument("ignored", nargs="*", help=argparse.SUPPRESS)  # spawners may append options
    args, _unknown = p.parse_known_args(argv)
    if not on_hub():
        print("jamkit-singleuser: startas av JupyterHub (JUPYTERHUB_SERVICE_PREFIX saknas) / "
              "is started by JupyterHub; use `python -m kit serve` on a laptop", file=sys.stderr)
        return 2
    env = serve.environment()
    env.setdefault("JAMKIT_FORK", "0")
    args = command(args.participants, args.notebooks)
    sys.stdout.flush()
    # Voilà takes this process's place: one process less per user, and the spawner's signals
    # (stop, cull) reach Voilà itself, which shuts its kernels down
    os.execve(args[0], args, env)
    return 0  # pragma: no cover - execve does not return


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
