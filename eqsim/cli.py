"""Command line: ``eqsim cache info``, ``eqsim cache clear``, ``eqsim version``."""
from __future__ import annotations

import argparse
import json
import sys

from ._version import __version__
from .build.cache import cache_info, clear_cache
from .config import get_config
from .errors import EqsimError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="eqsim", description="eqsim command line")
    sub = parser.add_subparsers(dest="command", required=True)
    cache = sub.add_parser("cache", help="inspect or clear the compile cache")
    cache_sub = cache.add_subparsers(dest="action", required=True)
    info = cache_sub.add_parser("info", help="where the cache is and what it holds")
    info.add_argument("--json", action="store_true", help="print JSON")
    cache_sub.add_parser("clear", help="delete every cached module")
    sub.add_parser("version", help="print the eqsim version")
    args = parser.parse_args(argv)
    try:
        if args.command == "version":
            print(__version__)
            return 0
        config = get_config()
        if args.action == "info":
            data = cache_info(config)
            if args.json:
                print(json.dumps(data))
            else:
                print(f"cache directory: {data['path']}")
                print(f"compiled modules: {data['modules']}")
                print(f"front-cache entries: {data['front_entries']}")
                print(f"size: {data['bytes'] / 1e6:.1f} MB")
            return 0
        removed = clear_cache(config)
        print(f"removed {removed} compiled module(s) from {cache_info(config)['path']}")
        return 0
    except EqsimError as exc:
        print(f"eqsim: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # python -m eqsim.cli
    sys.exit(main())
