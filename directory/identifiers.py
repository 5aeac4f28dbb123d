"""Organisation identifier schemes from org-id.guide, with their formats.

Each scheme knows how to tidy a value typed by a person (spaces, case, a
repeated prefix) and how to check it. The org-id string is "SCHEME-VALUE",
for example GB-CHC-1234567.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class SchemeFormat:
    code: str
    label: str
    pattern: str
    example: str
    register_url: str  # "{value}" is replaced by the identifier
    strip_prefix: str = ""
    zero_pad: int = 0

    def normalise(self, value: str) -> str:
        value = re.sub(r"[\s\-.]", "", str(value or "")).upper()
        if value.startswith(self.code.replace("-", "")):
            value = value[len(self.code.replace("-", "")) :]
        if self.strip_prefix and value.startswith(self.strip_prefix):
            value = value[len(self.strip_prefix) :]
        if self.zero_pad and value.isdigit() and len(value) < self.zero_pad:
            value = value.zfill(self.zero_pad)
        return value

    def validate(self, value: str) -> None:
        if not re.fullmatch(self.pattern, value or ""):
            raise ValidationError(
                f"“{value}” is not a valid {self.label} number: expected something like {self.example}.",
                code="invalid_identifier",
            )

    def url_for(self, value: str) -> str:
        return self.register_url.format(value=value) if self.register_url else ""


SCHEMES: dict[str, SchemeFormat] = {
    "GB-CHC": SchemeFormat(
        code="GB-CHC",
        label="Charity Commission for England and Wales",
        pattern=r"\d{6,7}",
        example="1234567",
        register_url="https://register-of-charities.charitycommission.gov.uk/charity-search/-/charity-details/{value}",
    ),
    "GB-SC": SchemeFormat(
        code="GB-SC",
        label="Scottish Charity Regulator (OSCR)",
        pattern=r"SC\d{6}",
        example="SC012345",
        register_url="https://www.oscr.org.uk/about-charities/search-the-register/charity-details?number={value}",
    ),
    "GB-NIC": SchemeFormat(
        code="GB-NIC",
        label="Charity Commission for Northern Ireland",
        pattern=r"\d{6}",
        example="100002",
        register_url="https://www.charitycommissionni.org.uk/charity-details/?regId={value}",
        strip_prefix="NIC",
    ),
    "GB-COH": SchemeFormat(
        code="GB-COH",
        label="Companies House",
        pattern=r"(\d{8}|[A-Z]{2}\d{6})",
        example="01234567 or SC123456",
        register_url="https://find-and-update.company-information.service.gov.uk/company/{value}",
        zero_pad=8,
    ),
}


def split_org_id(org_id: str) -> tuple[str, str]:
    """Split "GB-CHC-1234567" into ("GB-CHC", "1234567"), checking the scheme is known."""
    text = (org_id or "").strip().upper()
    for code in sorted(SCHEMES, key=len, reverse=True):
        if text.startswith(code + "-"):
            scheme = SCHEMES[code]
            value = scheme.normalise(text[len(code) + 1 :])
            scheme.validate(value)
            return code, value
    raise ValidationError(
        f"“{org_id}” is not an identifier we recognise: it should start with one of {', '.join(SCHEMES)}.",
        code="unknown_scheme",
    )
