"""Earned badges as Open Badges 3.0 credentials: JSON-LD a learner can carry to other platforms.

Each credential is an ``OpenBadgeCredential`` (a W3C Verifiable Credential) whose achievement
has the badge's name, description and criteria in the learner's language, issued by the course,
valid from when the badge was earned. The credentials are **unsigned**: Qala runs offline with
no keys, so there is no ``proof``; a wallet or verifier will show them as self-asserted until a
school signs them with its own key.
"""

from __future__ import annotations

import base64
import datetime as _dt
import json
import re
import uuid
from pathlib import Path

from ..content.model import Badge, CourseInfo
from ..i18n import pick

CONTEXT = [
    "https://www.w3.org/ns/credentials/v2",
    "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
]
SCHEMA = {
    "id": "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json",
    "type": "1EdTechJsonSchemaValidator2019",
}
NAMESPACE = uuid.UUID("6f1d3c0e-5a8b-4f5e-9a57-0c1a2b3c4d5e")  # Qala's, for stable credential ids


def course_uri(course: CourseInfo) -> str:
    """The course has no web address (it runs offline), so it is named by a URN."""
    return f"urn:qala:course:{course.id}"


def achievement_uri(course: CourseInfo, badge: Badge) -> str:
    return f"{course_uri(course)}:badge:{badge.id}"


def utc(timestamp: str) -> str:
    """An ISO 8601 time as XML Schema dateTime in UTC ('Z'), as Verifiable Credentials want it."""
    moment = _dt.datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_dt.UTC)
    return moment.astimezone(_dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def badge_image(badge: Badge, title: str) -> dict:
    """The badge's icon as a small self-contained SVG (a data: URI: nothing to fetch)."""
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">'
        '<circle cx="128" cy="128" r="120" fill="#0a58ca"/><circle cx="128" cy="128" r="104" fill="#f6f8fa"/>'
        f'<text x="128" y="150" font-size="96" text-anchor="middle">{_xml(badge.icon)}</text></svg>'
    )
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return {"id": f"data:image/svg+xml;base64,{data}", "type": "Image", "caption": title}


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def credential(course: CourseInfo, badge: Badge, earned_at: str, learner: str, language: str) -> dict:
    """One badge earned by ``learner`` at ``earned_at``, as an OB 3.0 OpenBadgeCredential."""
    title = pick(badge.title, language)
    criteria = pick(badge.description, language)
    course_title = pick(course.title, language)
    valid_from = utc(earned_at)
    stable = uuid.uuid5(NAMESPACE, "\n".join([course.id, badge.id, learner, valid_from]))
    return {
        "@context": list(CONTEXT),
        "id": f"urn:uuid:{stable}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": title,
        "issuer": {"id": course_uri(course), "type": ["Profile"], "name": course_title},
        "validFrom": valid_from,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [{"type": "IdentityObject", "identityType": "name", "hashed": False, "identityHash": learner}],
            "achievement": {
                "id": achievement_uri(course, badge),
                "type": ["Achievement"],
                "achievementType": "Badge",
                "name": title,
                "description": criteria,
                "criteria": {"narrative": criteria},
                "image": badge_image(badge, title),
                "inLanguage": language,
                "creator": {"id": course_uri(course), "type": ["Profile"], "name": course_title},
            },
        },
        "credentialSchema": [dict(SCHEMA)],
    }


def write_credentials(course: CourseInfo, earned: list[tuple[Badge, str]], learner: str, language: str, out_dir: Path) -> list[Path]:
    """One file per earned badge, ``BADGE-ID.json``, in ``out_dir``."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for badge, earned_at in earned:
        path = out_dir / f"{re.sub(r'[^a-z0-9-]', '-', badge.id)}.json"
        path.write_text(json.dumps(credential(course, badge, earned_at, learner, language), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written
