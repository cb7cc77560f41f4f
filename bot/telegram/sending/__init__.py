"""Sending to Telegram: lessons and announcements, each part at most once.

``http`` is the aiohttp transport, ``marks`` records a part as in flight before its
request leaves, ``failures`` reads what a failed request means, ``group_commit`` batches
the records, and ``lessons`` and ``announcements`` send.
"""
