"""The demo behind `python3 dev.py demo`: a seeded local workspace, read end to end.

Run it through dev.py, which prepares .venv, or as `python -m demo` inside .venv.
"""
