"""Performance benchmarks: scripts that print figures, each with a baseline from the same run.

Run everything with ``.venv/bin/python -m bench.run`` (``--quick`` for smaller sizes), or
one script with ``.venv/bin/python -m bench.<name>``. All traffic stays on 127.0.0.1.
"""
