"""``python -m local_workspace``: run the local Databricks workspace, seed it, find its CA.

serve [--port N] [--data-dir D]   run the HTTPS server (port 0 picks a free port)
seed-demo [--data-dir D]          create the demo catalog and tables
ca-bundle [--data-dir D]          print the CA certificate's path (clients trust it)
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from local_workspace.data_dir import DEFAULT_DATA_DIR, DataDir

DEFAULT_PORT = 8443


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line and run the chosen command; returns the exit code."""
    args = _parser().parse_args(argv)
    data_dir = DataDir(args.data_dir)
    return args.command(data_dir, args) or 0


def _serve(data_dir: DataDir, args: argparse.Namespace) -> int | None:
    from local_workspace.server import StartupError, serve

    _configure_logging()
    try:
        serve(data_dir, port=args.port)
    except StartupError as error:
        print(f"local workspace: {error}", file=sys.stderr)
        return 1
    return None


def _seed_demo(data_dir: DataDir, args: argparse.Namespace) -> int | None:
    from local_workspace.seed_demo import main as seed_demo_main  # written alongside the engine

    _configure_logging()
    return seed_demo_main(data_dir)


def _ca_bundle(data_dir: DataDir, args: argparse.Namespace) -> None:
    from local_workspace.tls import ensure_ca

    print(ensure_ca(data_dir.ensure()).ca_cert)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m local_workspace",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(title="commands", required=True)
    serve = _command(commands, "serve", _serve, "run the local workspace server")
    serve.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="HTTPS port (0: any free port)"
    )
    _command(commands, "seed-demo", _seed_demo, "create the demo data")
    _command(commands, "ca-bundle", _ca_bundle, "print the path of the CA certificate")
    return parser


def _command(commands, name: str, run, help_text: str) -> argparse.ArgumentParser:
    command = commands.add_parser(name, help=help_text)
    command.add_argument(
        "--data-dir",
        default=str(DEFAULT_DATA_DIR),
        help=f"data directory (default: ./{DEFAULT_DATA_DIR})",
    )
    command.set_defaults(command=run)
    return command


def _configure_logging() -> None:
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("uvicorn").setLevel(logging.WARNING)


if __name__ == "__main__":
    sys.exit(main())
