"""Does a private note look like it names a client? A check run before anything is saved.

A journal entry is the learner's own, but it is still stored, exported and backed up, and
clinicians owe their clients confidentiality there too. So a note that holds what could
identify someone (a phone number, an e-mail address, a date that could be a birth date,
a record-like number, "my client Anna") is named back to the learner and not saved until
they take it out. The cost of a false positive is one rewrite; of a miss, a client's name
on a server. Pure: text in, findings out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class IdentifierKind(StrEnum):
    """What a finding looks like; the edge words each one for the learner."""

    EMAIL = "email"
    PHONE = "phone"
    DATE = "date"
    NUMBER = "number"
    NAME = "name"


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing in the text that could identify someone, as it was written."""

    kind: IdentifierKind
    text: str


MIN_PHONE_DIGITS = 7
MIN_RECORD_DIGITS = 6
_MONTHS = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_DATE = re.compile(
    r"(?<![\w.])("
    r"\d{4}[./-]\d{1,2}[./-]\d{1,2}"  # 1985-03-12
    r"|\d{1,2}[./-]\d{1,2}[./-](\d{4}|\d{2})"  # 12.03.1985, 3/12/85
    rf"|\d{{1,2}}(st|nd|rd|th)?\s+(of\s+)?{_MONTHS},?\s+\d{{4}}"  # 12 March 1985
    rf"|{_MONTHS}\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}"  # March 12, 1985
    r")(?![\w])",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<![\w+])\+?\(?\d[\d\s().-]{4,}\d(?!\w)")
_DIGIT_RUN = re.compile(rf"(?<!\d)\d{{{MIN_RECORD_DIGITS},}}(?!\d)")
_ROLE_THEN_NAME = re.compile(
    r"\b(client|patient|pt|service user|consumer|resident)s?\b[\s,:]+"
    r"(?P<name>[^\W\d_][\w'’-]+)",
    re.IGNORECASE,
)
_TITLE_THEN_NAME = re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx)\.?\s+(?P<name>[^\W\d_][\w'’-]+)")
# Capitalised words that follow "client" or "patient" without being a name.
_NOT_NAMES = frozenset(
    [
        "i",
        "a",
        "an",
        "the",
        "this",
        "that",
        "my",
        "his",
        "her",
        "their",
        "our",
        "who",
        "which",
        "when",
        "where",
        "what",
        "why",
        "how",
        "and",
        "or",
        "but",
        "if",
        "so",
        "was",
        "is",
        "had",
        "has",
        "have",
        "will",
        "would",
        "said",
        "says",
        "told",
        "felt",
        "feels",
        "came",
        "left",
        "today",
        "yesterday",
        "tomorrow",
        "again",
        "health",
        "safety",
        "care",
        "centered",
        "centred",
        "record",
        "records",
        "portal",
        "experience",
        "experiences",
        "survey",
    ]
)


def find_identifiers(text: str) -> tuple[Finding, ...]:
    """Everything in ``text`` that could identify a client, in the order found.

    Each span is reported once, under the most specific kind: an e-mail address is not
    also a name, a date is not also a phone number.
    """
    findings: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for kind, pattern in _NUMBERED:
        for match in pattern.finditer(text):
            span = match.span()
            if any(start < span[1] and span[0] < end for start, end in taken):
                continue
            if kind is IdentifierKind.PHONE and not _phone_like(match.group()):
                continue
            taken.append(span)
            findings.append(Finding(kind, match.group().strip()))
    findings.extend(Finding(IdentifierKind.NAME, name) for name in _names(text))
    return tuple(findings)


_NUMBERED = (
    (IdentifierKind.EMAIL, _EMAIL),
    (IdentifierKind.DATE, _DATE),
    (IdentifierKind.PHONE, _PHONE),
    (IdentifierKind.NUMBER, _DIGIT_RUN),
)


def _phone_like(text: str) -> bool:
    """Digits in groups, seven or more in all: ``+49 170 1234567``, ``(555) 123-4567``.

    A bare run of digits is left to the record-number check, and short groups with few
    digits in all are clock times (``10.30 - 11.45``), not a number to call.
    """
    groups = re.findall(r"\d+", text)
    digits = sum(len(group) for group in groups)
    if len(groups) < 2 or digits < MIN_PHONE_DIGITS:
        return False
    return digits >= 9 or max(len(group) for group in groups) >= 3


def _names(text: str) -> list[str]:
    """Capitalised words right after "client", "patient", "Mr" and the like."""
    found = []
    for pattern in (_ROLE_THEN_NAME, _TITLE_THEN_NAME):
        for match in pattern.finditer(text):
            name = match.group("name")
            if name[0].isupper() and len(name) > 1 and name.lower() not in _NOT_NAMES:
                found.append(match.group().strip())
    return found
