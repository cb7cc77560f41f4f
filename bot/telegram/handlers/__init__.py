"""The Telegram edge: parse the update, call one service, reply."""
