"""Personal-data detectors for dataset columns: column names and sampled values.

Detectors only say *that* and *where* personal data appears (column, detector, count);
they never return the values themselves.

Column names are split into lower-case tokens (``customerEmail`` -> ``customer email``).
A name is personal data when its tokens, after dropping leading owner words
(``customer``, ``account``, ``card``, ...), are one of the known shapes (``email``,
``full name``, ``date of birth``, ``iban``, ...), and when no token marks a derived value
(``count``, ``has``, ``hash``, ``domain``, ``band``, ...): ``email_count``, ``has_email``
and ``email_domain_hash`` are aggregates or pseudonyms, not personal data.

Value detectors are precise by construction: e-mail addresses are searched inside text,
every other detector needs the whole cell to be the value (a review that mentions a
number is not a phone number) and a checksum where the format has one (IBAN mod-97,
Luhn, SSN invalid ranges, French NIR key). A structured detector reports a column only
when at least half of its non-empty sampled values match.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# ------------------------------------------------------------------ column names
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_SPLIT = re.compile(r"[^a-z0-9]+")

OWNER_WORDS = frozenset(
    {
        "customer", "client", "user", "reviewer", "applicant", "account", "card", "patient",
        "employee", "person", "contact", "primary", "secondary", "work", "home", "personal",
        "billing", "shipping", "raw", "member", "borrower", "owner", "subscriber", "buyer",
        "seller", "author", "sender", "recipient", "beneficiary", "main", "private",
    }
)  # fmt: skip

DERIVED_WORDS = frozenset(
    {
        "count", "cnt", "counts", "has", "is", "flag", "hash", "hashed", "sha", "sha1",
        "sha256", "md5", "hmac", "domain", "len", "length", "valid", "verified", "present",
        "missing", "pct", "ratio", "band", "bucket", "group", "range", "encrypted", "enc",
        "tokenized", "tokenised", "token", "masked", "redacted", "pseudonym", "pseudonymised",
        "pseudonymized", "anonymised", "anonymized", "total", "distinct", "unique", "n",
        "num", "nb", "changed", "updated", "opt", "optin", "optout", "consent", "type",
        "format", "provider", "score", "risk", "match", "matches", "ref",
    }
)  # fmt: skip

# token shape -> category
NAME_SHAPES: dict[tuple[str, ...], str] = {}


def _add(category: str, *shapes: str) -> None:
    for shape in shapes:
        NAME_SHAPES[tuple(shape.split())] = category


_add("email", "email", "e mail", "email address", "e mail address", "mail address", "emailaddress")
_add(
    "name",
    "full name", "fullname", "first name", "firstname", "last name", "lastname", "surname",
    "given name", "family name", "middle name", "maiden name", "forename", "holder",
    "holder name", "cardholder", "cardholder name", "name full", "customer name",
    "client name", "reviewer name", "applicant name", "person name", "contact name",
    "patient name", "employee name", "user name", "owner name",
)  # fmt: skip
_add(
    "phone",
    "phone", "phone number", "phonenumber", "telephone", "telephone number", "tel",
    "mobile", "mobile number", "mobile phone", "cell phone", "cellphone", "msisdn", "fax",
)  # fmt: skip
_add(
    "date-of-birth",
    "dob", "date of birth", "birth date", "birthdate", "birthday", "birth day", "born on",
)  # fmt: skip
_add(
    "national-id",
    "ssn", "social security number", "social security no", "national id", "national id number",
    "nationalid", "national insurance number", "nino", "nin", "tax id", "taxid",
    "tax identification number", "tin", "passport", "passport number", "passport no",
    "driver license", "drivers license", "driving licence", "driving licence number", "nir",
    "bsn", "personnummer", "steuer id", "id card number", "identity card number",
)  # fmt: skip
_add(
    "financial-account",
    "iban", "card number", "credit card", "credit card number", "cc number", "ccn", "pan",
    "account number", "bank account", "bank account number", "bic iban", "sort code",
    "routing number",
)  # fmt: skip
_add(
    "address",
    "address", "street", "street address", "postal address", "home address",
    "address line", "address line 1", "address line 2", "addr", "ip", "ip address",
    "ipaddress",
)  # fmt: skip


def tokens(name: str) -> tuple[str, ...]:
    spaced = _CAMEL.sub(" ", name.strip())
    return tuple(t for t in _SPLIT.split(spaced.lower()) if t)


def column_category(name: str) -> str | None:
    """The personal-data category of a column name, or None."""
    toks = tokens(name)
    if not toks or any(t in DERIVED_WORDS for t in toks):
        return None
    candidates = [toks]
    rest = toks
    while len(rest) > 1 and rest[0] in OWNER_WORDS:
        rest = rest[1:]
        candidates.append(rest)
    for cand in candidates:
        category = NAME_SHAPES.get(cand)
        if category is not None:
            return category
    return None


# ---------------------------------------------------------------------- values
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\.[A-Za-z0-9-]{1,63})*\.[A-Za-z]{2,24}(?![\w-])"
)
_PHONE_INTL = re.compile(r"^\+\d[\d ()./-]{6,20}\d$")
_PHONE_NANP = re.compile(r"^\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}$")
_DATE_LIKE = re.compile(r"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}")
_IBAN = re.compile(r"^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$")
_CARD = re.compile(r"^\d(?:[ -]?\d){12,18}$")
_SSN = re.compile(r"^(\d{3})-(\d{2})-(\d{4})$")
_NINO = re.compile(r"^(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]\d{6}[A-D]$")
_NIR = re.compile(r"^[12]\d{12}\d{2}$")

VALUE_DETECTORS = ("email", "phone", "iban", "credit-card", "us-ssn", "uk-nino", "fr-nir")


def _digits(value: str) -> str:
    return "".join(c for c in value if c.isdigit())


def is_phone(value: str) -> bool:
    if _DATE_LIKE.match(value):
        return False
    if _PHONE_INTL.match(value):
        return 8 <= len(_digits(value)) <= 15
    return bool(_PHONE_NANP.match(value))


def iban_valid(value: str) -> bool:
    compact = value.replace(" ", "").upper()
    if not _IBAN.match(compact):
        return False
    moved = compact[4:] + compact[:4]
    number = "".join(str(int(c, 36)) for c in moved)
    return int(number) % 97 == 1


def luhn_valid(value: str) -> bool:
    if not _CARD.match(value):
        return False
    digits = _digits(value)
    if len(set(digits)) == 1 or digits[0] not in "3456":
        return False
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def ssn_valid(value: str) -> bool:
    m = _SSN.match(value)
    if not m:
        return False
    area, group, serial = m.groups()
    if area in ("000", "666") or area.startswith("9"):
        return False
    return group != "00" and serial != "0000"


def nino_valid(value: str) -> bool:
    return bool(_NINO.match(value.replace(" ", "").upper()))


def nir_valid(value: str) -> bool:
    compact = value.replace(" ", "")
    if not _NIR.match(compact):
        return False
    return 97 - int(compact[:13]) % 97 == int(compact[13:])


_WHOLE_CELL = {
    "phone": is_phone,
    "iban": iban_valid,
    "credit-card": luhn_valid,
    "us-ssn": ssn_valid,
    "uk-nino": nino_valid,
    "fr-nir": nir_valid,
}


def value_hits(values: Iterable[str]) -> dict[str, int]:
    """Detector -> matching value count for one column's sampled values. Structured
    detectors count only when at least half of the non-empty values match."""
    counts = dict.fromkeys(VALUE_DETECTORS, 0)
    non_empty = 0
    for raw in values:
        value = raw.strip()
        if not value:
            continue
        non_empty += 1
        if len(value) > 4096:
            value = value[:4096]
        counts["email"] += len(_EMAIL.findall(value))
        if len(value) <= 40:
            for detector, check in _WHOLE_CELL.items():
                if check(value):
                    counts[detector] += 1
    out: dict[str, int] = {}
    for detector, n in counts.items():
        if n == 0:
            continue
        if detector != "email" and n * 2 < non_empty:
            continue
        out[detector] = n
    return out


# ------------------------------------------------------------------ card prose
# Phrases in a dataset card's prose (not its headings: card templates carry a "Personal and
# Sensitive Information" heading whatever the data) that say the data shows or names people.
_MENTIONS = re.compile(
    r"\b(facial|faces?\b|face images|licen[cs]e plates?|identifiable|identity of individuals|"
    r"patients?\b|medical records?|health records?|e-?mail addresses|phone numbers|"
    r"home addresses|dates? of birth|social security|biometric|fingerprints?|"
    r"voice recordings|personal data|personally identifiable)",
    re.IGNORECASE,
)


def personal_mentions(lines: Iterable[tuple[int, str]]) -> list[dict[str, object]]:
    """``{term, line}`` for each distinct phrase of the card prose that names personal data
    (at most one entry per term, the first line it appears on)."""
    seen: dict[str, int] = {}
    for number, line in lines:
        for m in _MENTIONS.finditer(line):
            seen.setdefault(m.group(1).lower(), number)
    return [{"term": t, "line": n} for t, n in sorted(seen.items(), key=lambda x: (x[1], x[0]))]
