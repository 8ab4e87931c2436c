"""The code-execution stream: sync a local project to the workspace, run commands on a cluster."""
