"""Pure rules: no I/O and no clock; the caller passes `now` and values."""
