"""Pictures of progress, drawn with matplotlib's Agg backend into PNG bytes.

The values come ready from the pure rules (``bot.learning``); these modules only draw.
Each call builds its own ``Figure`` (never pyplot's global state), so the edge can render
in a worker thread while the event loop goes on.
"""
