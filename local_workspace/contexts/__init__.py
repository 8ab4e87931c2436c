"""Execution contexts: a Python worker process per context, its SQL session and temp views,
the worker-side REPL and the spark proxy. ``manager`` is the server side, ``worker`` the process.
"""
