"""The `npt` script: the garbage collector goes off before anything loads, then the command runs."""

from __future__ import annotations

import gc
import sys
from typing import NoReturn


def run() -> NoReturn:
    """Run the command line as the `npt` script; the process ends when it returns."""
    # A command runs for a fraction of a second and frees everything at exit: the cyclic
    # collector only costs start-up time (collection passes while Click and Pint load), so the
    # script process runs without it. Importing npt_protocol.cli elsewhere leaves it on.
    gc.disable()
    from npt_protocol.cli import main  # noqa: PLC0415 - after the collector is off

    sys.exit(main())
