"""The check before a private note is saved: what could identify a client, and what not."""

from __future__ import annotations

import pytest

from bot.safety.identifiers import Finding, IdentifierKind, find_identifiers

K = IdentifierKind


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call back on +49 170 1234567 tomorrow", Finding(K.PHONE, "+49 170 1234567")),
        ("her number is (555) 123-4567", Finding(K.PHONE, "(555) 123-4567")),
        ("06 12 34 56 78 is the mobile", Finding(K.PHONE, "06 12 34 56 78")),
        ("wrote to j.doe+work@example.org about it", Finding(K.EMAIL, "j.doe+work@example.org")),
        ("born 12.03.1985 in Leeds", Finding(K.DATE, "12.03.1985")),
        ("DOB 1985-03-12", Finding(K.DATE, "1985-03-12")),
        ("seen on 3/12/85", Finding(K.DATE, "3/12/85")),
        ("born 12 March 1985", Finding(K.DATE, "12 March 1985")),
        ("born March 12, 1985", Finding(K.DATE, "March 12, 1985")),
        ("file 00482913 was reopened", Finding(K.NUMBER, "00482913")),
        ("MRN 123456", Finding(K.NUMBER, "123456")),
        ("my client Anna cried today", Finding(K.NAME, "client Anna")),
        ("Patient José missed again", Finding(K.NAME, "Patient José")),
        ("talked with Mrs. Okafor", Finding(K.NAME, "Mrs. Okafor")),
    ],
)
def test_what_could_identify_someone_is_found(text: str, expected: Finding) -> None:
    assert find_identifiers(text) == (expected,)


@pytest.mark.parametrize(
    "text",
    [
        "Today I noticed I rushed the ending of a session.",
        "My client was late and I felt irritated, then curious.",
        "The patient said she felt unheard; I slowed down.",
        "Three sessions in a row after 2 pm felt heavy.",
        "I used the PHQ-9 and the Patient Health Questionnaire scores went from 14 to 8.",
        "Sessions ran 10.30 - 11.45 and then 13:00-14:15.",
        "In 2024 I saw about 120 people; DSM-5-TR and ICD-11 6B40 came up.",
        "Client centered work felt right. 50 minutes, 3 of 5 goals.",
        "I read it at 7:30 on 12 March.",
        "",
    ],
)
def test_ordinary_reflection_is_left_alone(text: str) -> None:
    assert find_identifiers(text) == ()


def test_several_findings_are_all_named_once_each() -> None:
    found = find_identifiers("client Ben, ben@example.com, +44 20 7946 0958, 1990-01-02")
    assert [f.kind for f in found] == [K.EMAIL, K.DATE, K.PHONE, K.NAME]
