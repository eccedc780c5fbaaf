"""Where each measured client runs: which interpreter, which environment.

This library and the two floors run on the interpreter that runs the
benchmark, with this checkout first on ``PYTHONPATH``. postmarker 1.0 and the
official SDK (PyPI ``postmark-python``, ActiveCampaign's, async on httpx)
each get a virtualenv of their own under the temporary directory: the
official SDK's import name is ``postmark`` too, so it must never share an
interpreter path with this checkout.
"""

from __future__ import annotations

import subprocess
import sys
import venv
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from servers import REPO, python_env

THIS = "python-postmark"
#: This library's client API: ``ServerClient.email.send_batch`` of dicts.
DICTS = "python-postmark-dicts"
FLOOR = "requests"
#: The fair batch floor: builds and ``json.dumps`` the messages in the timed part.
FAIR = "requests-fair"

#: Rows of the table, in order. (name, label)
ROWS = [
    ("requests", "requests.Session().post, pre-built body (the floor)"),
    (FAIR, "requests.Session().post, dicts built and json.dumps'd when timed (fair batch floor)"),
    ("http.client", "http.client keep-alive, pre-built body"),
    (THIS, "python-postmark (this checkout): PMMail / PMBatchMail"),
    (DICTS, "python-postmark (this checkout): ServerClient.email.send_batch(dicts)"),
    ("postmarker", "postmarker 1.0"),
    ("official", "postmark-python 0.4 (official, async)"),
    ("official-sync", "postmark-python 0.4 (official, postmark.sync)"),
]

#: Clients that take part in every per-client scenario but ``parallel``.
_CLASSIC = frozenset({"requests", "http.client", THIS, "postmarker", "official", "official-sync"})
#: Which clients (``worker.py`` names) each scenario measures. ``threads``: a
#: shared client is the point, and an http.client connection cannot be shared;
#: ``parallel`` needs ``concurrency=``, which only this library offers; ``cli``
#: is this library's ``postmark batch`` command.
SCENARIO_CLIENTS: dict[str, frozenset[str]] = {
    "send": _CLASSIC,
    "batch": _CLASSIC | {FAIR, DICTS},
    "attachment": _CLASSIC,
    "import": _CLASSIC,
    "threads": frozenset({"requests", THIS, "postmarker", "official-sync"}),
    "parallel": frozenset({DICTS}),
    "cli": frozenset({THIS}),
}

#: Which package each virtualenv installs.
PACKAGES = {"postmarker": "postmarker==1.0", "official": "postmark-python==0.4.0"}

#: What the import scenario imports, per client (fresh interpreter each time).
IMPORTS: dict[str, list[tuple[str, str]]] = {
    "requests": [("import requests", "import requests")],
    "http.client": [("import http.client", "import http.client, ssl")],
    THIS: [
        ("import postmark", "import postmark"),
        ("from postmark import PMMail", "from postmark import PMMail"),
    ],
    "postmarker": [
        ("from postmarker.core import PostmarkClient", "from postmarker.core import PostmarkClient")
    ],
    "official": [("import postmark", "import postmark")],
    "official-sync": [("import postmark.sync", "import postmark.sync")],
}


@dataclass
class Runtime:
    """How to start a worker for one client."""

    name: str
    python: str
    env: dict[str, str] = field(default_factory=dict)
    note: str = ""
    worker_client: str = ""  # worker.py's client name; default: ``name``

    def __post_init__(self) -> None:
        self.worker_client = self.worker_client or self.name

    @property
    def available(self) -> bool:
        return not self.note


#: The environments ``scripts/third-party-clients.sh`` builds (``.ci/run`` runs
#: it first): used as they are when they hold the pinned package.
THIRD_PARTY = {
    "postmarker": REPO / ".third-party" / "postmarker",
    "official": REPO / ".third-party" / "postmark-python",
}


def _has_package(folder: Path, package: str) -> bool:
    """Whether the virtualenv ``folder`` has ``package`` (``name==version``) installed."""
    python = folder / "bin" / "python"
    if not python.exists():
        return False
    name, _, version = package.partition("==")
    check = f"import importlib.metadata as m; assert m.version({name!r}) == {version!r}"
    return (
        subprocess.run(
            [str(python), "-c", check], capture_output=True, timeout=120, check=False
        ).returncode
        == 0
    )


def _make_venv(folder: Path, package: str) -> tuple[str, str]:
    """(python, '') or ('', why not) once ``package`` is installed in the virtualenv ``folder``.

    An existing virtualenv that already has the package is reused (``--venvs``).
    """
    python = str(folder / "bin" / "python")
    if _has_package(folder, package):
        return python, ""
    print(f"  virtualenv for {package} (pip install) ...", flush=True)
    try:
        venv.EnvBuilder(with_pip=True, clear=True).create(folder)
    except Exception as error:  # a missing ensurepip, a full disk ...
        return "", f"virtualenv not created: {error}"
    install = subprocess.run(
        [python, "-m", "pip", "install", "--quiet", "--disable-pip-version-check", package],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if install.returncode != 0:
        last = (install.stderr.strip().splitlines() or ["no output"])[-1]
        return "", f"pip install {package} failed: {last}"
    return python, ""


def _environment(key: str, venvs: Path) -> tuple[str, str]:
    """The third-party client's interpreter: ``.third-party``'s when it fits, else our own."""
    if _has_package(THIRD_PARTY[key], PACKAGES[key]):
        return str(THIRD_PARTY[key] / "bin" / "python"), ""
    return _make_venv(venvs / key, PACKAGES[key])


def prepare(names: list[str], venvs: Path, this_path: Path = REPO) -> dict[str, Runtime]:
    """A :class:`Runtime` per client name; third-party clients get their virtualenvs."""
    runtimes: dict[str, Runtime] = {}
    env_here = python_env(with_repo=False)
    env_here["PYTHONPATH"] = str(this_path)
    for name in names:
        if name in ("requests", FAIR, "http.client", THIS, DICTS):
            runtimes[name] = Runtime(name, sys.executable, env_here)
    wanted = [key for key in PACKAGES if key in names or f"{key}-sync" in names]
    with ThreadPoolExecutor(max_workers=2) as pool:
        made = dict(zip(wanted, pool.map(lambda k: _environment(k, venvs), wanted), strict=True))
    for key, (python, note) in made.items():
        for name in (key, f"{key}-sync"):
            if name in names:
                runtimes[name] = Runtime(name, python, python_env(with_repo=False), note)
    return runtimes
