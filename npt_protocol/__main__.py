"""Run the command line as `python -m npt_protocol`."""

from npt_protocol.console import run

run()
