"""Print the journal's requirements from pyproject.toml, one a line, for pip.

    python scripts/requirements.py            what the journal needs to serve
    python scripts/requirements.py test lint  that, plus the named optional groups

The Makefile installs these into .venv and runs the journal from the checkout, so
nothing is built or installed for the journal itself.
"""

import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text())["project"]
lines = list(project["dependencies"])
for group in sys.argv[1:]:
    try:
        lines += project["optional-dependencies"][group]
    except KeyError:
        sys.exit(f"pyproject.toml has no optional dependency group {group!r}")
print("\n".join(lines))
