"""`parceldesk numbers`: placeholder until its issue lands."""

from __future__ import annotations

import argparse


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("rest", nargs="*")


def main(args: argparse.Namespace) -> int:
    print("not implemented yet")
    return 1
