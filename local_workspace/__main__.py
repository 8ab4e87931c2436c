"""``python -m local_workspace``: run the local Databricks workspace, seed it, find its CA.

serve [--port N] [--data-dir D]   run the HTTPS server (port 0 picks a free port)
      [--warehouse-start-seconds S] [--fault SPEC]...
      [--session-idle-seconds S] [--operation-idle-seconds S]
      [--cloud-fetch-threshold-bytes N] [--cloud-fetch-link-seconds S]
      [--cloud-fetch-file-bytes N]
                                  SQL warehouse start time, faults to inject (faults.py),
                                  when abandoned sessions / finished operations expire,
                                  Cloud Fetch (sql/cloud_fetch.py)
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
    from local_workspace.serve_options import ServeOptions
    from local_workspace.server import StartupError, serve
    from local_workspace.sql.cloud_fetch import CloudFetchOptions
    from local_workspace.sql.sessions import IdleLimits

    _configure_logging()
    idle = IdleLimits(args.session_idle_seconds, args.operation_idle_seconds)
    cloud_fetch = CloudFetchOptions.from_env(
        threshold_bytes=args.cloud_fetch_threshold_bytes,
        link_seconds=args.cloud_fetch_link_seconds,
        file_bytes=args.cloud_fetch_file_bytes,
    )
    options = ServeOptions(args.warehouse_start_seconds, tuple(args.fault), idle, cloud_fetch)
    try:
        serve(data_dir, port=args.port, options=options)
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
    _serve_behaviour_arguments(serve)
    _command(commands, "seed-demo", _seed_demo, "create the demo data")
    _command(commands, "ca-bundle", _ca_bundle, "print the path of the CA certificate")
    return parser


def _serve_behaviour_arguments(serve: argparse.ArgumentParser) -> None:
    serve.add_argument(
        "--warehouse-start-seconds",
        type=float,
        default=0.0,
        metavar="S",
        help="how long the SQL warehouse stays STARTING after a start (default 0)",
    )
    for name, default, what in (
        ("session", 3600.0, "a session"),
        ("operation", 900.0, "a finished statement's result"),
    ):
        serve.add_argument(
            f"--{name}-idle-seconds",
            type=float,
            default=default,
            metavar="S",
            help=f"drop {what} unused for S seconds (default {default:.0f})",
        )
    for name, kind, what in (
        (
            "threshold-bytes",
            int,
            "results larger than N Arrow bytes use Cloud Fetch (0: never; "
            "default 4 MiB, env LOCAL_WORKSPACE_CLOUD_FETCH_THRESHOLD_BYTES)",
        ),
        (
            "link-seconds",
            float,
            "Cloud Fetch links expire after S seconds (default 900, env "
            "LOCAL_WORKSPACE_CLOUD_FETCH_LINK_SECONDS)",
        ),
        (
            "file-bytes",
            int,
            "Arrow bytes per Cloud Fetch file (default 8 MiB, env "
            "LOCAL_WORKSPACE_CLOUD_FETCH_FILE_BYTES)",
        ),
    ):
        serve.add_argument(f"--cloud-fetch-{name}", type=kind, default=None, help=what)
    serve.add_argument(
        "--fault",
        type=_fault,
        action="append",
        default=[],
        metavar="SPEC",
        help="arm a fault, e.g. 'unavailable@ExecuteStatement,count=2,retry_after=1' or a JSON "
        "object; repeatable (see local_workspace/faults.py; also POST /local/faults)",
    )


def _fault(spec: str):
    from local_workspace.faults import FaultSpecError, parse_fault

    try:
        return parse_fault(spec)
    except FaultSpecError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


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
