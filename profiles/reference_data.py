"""Reference data shipped with the project: O*NET occupations and tools,
curated career skills, languages and common skill aliases.

O*NET data: "This product includes information from the O*NET Database by
the U.S. Department of Labor, Employment and Training Administration
(USDOL/ETA). Used under the CC BY 4.0 license. O*NET® is a trademark of
USDOL/ETA." The files in ``profiles/data/`` are the March 2024 release,
gzip-compressed, unchanged.

These functions read the files and return plain rows; the data migration
and the demo generator both use them, so no code reads ``../shared``.
"""

import csv
import gzip
import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.text import slugify

DATA_DIR = Path(__file__).resolve().parent / "data"
OCCUPATIONS_FILE = DATA_DIR / "onet_occupations.tsv.gz"
TECHNOLOGY_SKILLS_FILE = DATA_DIR / "onet_technology_skills.tsv.gz"

CAREER_CATEGORY = "Career and leadership skills"

# Skills a technology list lacks but every mentoring programme needs.
CURATED_SKILLS: dict[str, list[str]] = {
    "Leadership": ["leading teams", "team leadership"],
    "People management": ["management", "managing people", "line management"],
    "Career change": ["career switch", "changing careers", "career pivot"],
    "Career planning": ["career development", "career growth"],
    "Negotiation": ["negotiating", "salary negotiation"],
    "Public speaking": ["presenting", "presentation skills", "talks"],
    "Product thinking": ["product sense", "product management"],
    "Strategic planning": ["strategy"],
    "Stakeholder management": ["managing stakeholders"],
    "Communication": ["communication skills", "written communication"],
    "Mentoring others": ["coaching", "mentorship"],
    "Hiring and interviewing": ["recruiting", "interviewing"],
    "Giving feedback": ["feedback"],
    "Time management": ["prioritisation", "prioritization"],
    "Entrepreneurship": ["founding a startup", "startups"],
    "Fundraising": ["raising money", "venture capital"],
    "Personal branding": ["networking", "linkedin profile"],
    "Work-life balance": ["burnout", "wellbeing"],
    "Remote work": ["distributed teams"],
    "Project management": ["managing projects", "delivery"],
    "Data literacy": ["data-driven decisions"],
    "Technical writing": ["documentation"],
    "System design": ["software architecture", "architecture"],
    "Code review": ["reviewing code"],
    "User research": ["ux research", "customer interviews"],
    "Design thinking": [],
    "Budgeting and finance": ["finance for managers", "budgets"],
    "Sales": ["selling", "business development"],
    "Marketing strategy": ["marketing", "go-to-market"],
    "Diversity and inclusion": ["dei", "inclusion"],
    "Conflict resolution": ["difficult conversations"],
    "Decision making": [],
    "Change management": ["organisational change"],
    "Getting promoted": ["promotion", "promotion case"],
    "Returning to work": ["career break", "returnship"],
    "Academic research": ["research", "phd"],
    "Teaching": ["training others", "instruction"],
    "Emotional intelligence": ["eq"],
    "Machine learning": ["ml", "ai"],
    "Cloud computing": ["cloud"],
}

# Short forms people type for O*NET tool names.
TOOL_ALIASES: dict[str, list[str]] = {
    "JavaScript": ["js", "ecmascript"],
    "TypeScript": ["ts"],
    "Python": ["py"],
    "Structured query language SQL": ["sql"],
    "Microsoft Excel": ["excel", "spreadsheets"],
    "Microsoft PowerPoint": ["powerpoint", "slides"],
    "Microsoft Power BI": ["power bi", "powerbi"],
    "Amazon Web Services AWS software": ["aws", "amazon web services"],
    "Microsoft Azure software": ["azure"],
    "Google Cloud software": ["gcp", "google cloud"],
    "C++": ["cpp"],
    "C#": ["csharp", "c sharp"],
    "React": ["reactjs", "react.js"],
    "Node.js": ["node", "nodejs"],
    "Kubernetes": ["k8s"],
    "PostgreSQL": ["postgres"],
    "Hypertext markup language HTML": ["html"],
    "Cascading style sheets CSS": ["css"],
    "Salesforce software": ["salesforce"],
    "Adobe Photoshop": ["photoshop"],
    "Git": ["version control"],
}

LANGUAGES: list[tuple[str, str]] = [
    ("en", "English"), ("es", "Spanish"), ("fr", "French"), ("de", "German"),
    ("pt", "Portuguese"), ("it", "Italian"), ("nl", "Dutch"), ("pl", "Polish"),
    ("sv", "Swedish"), ("da", "Danish"), ("no", "Norwegian"), ("fi", "Finnish"),
    ("ru", "Russian"), ("uk", "Ukrainian"), ("tr", "Turkish"), ("ar", "Arabic"),
    ("he", "Hebrew"), ("fa", "Persian"), ("hi", "Hindi"), ("bn", "Bengali"),
    ("ur", "Urdu"), ("ta", "Tamil"), ("zh", "Chinese"), ("ja", "Japanese"),
    ("ko", "Korean"), ("vi", "Vietnamese"), ("th", "Thai"), ("id", "Indonesian"),
    ("ms", "Malay"), ("tl", "Tagalog"), ("sw", "Swahili"), ("yo", "Yoruba"),
    ("am", "Amharic"), ("el", "Greek"), ("cs", "Czech"), ("ro", "Romanian"),
    ("hu", "Hungarian"), ("ga", "Irish"),
]  # fmt: skip


@dataclass(frozen=True)
class OccupationRow:
    soc_code: str
    title: str
    description: str


@dataclass(frozen=True)
class ToolRow:
    soc_code: str
    tool: str
    category: str
    hot: bool


def _read_tsv(path: Path) -> Iterator[dict[str, str]]:
    with gzip.open(path, "rb") as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
        yield from csv.DictReader(text, delimiter="\t")


@lru_cache(maxsize=1)
def onet_occupations() -> tuple[OccupationRow, ...]:
    return tuple(
        OccupationRow(row["O*NET-SOC Code"], row["Title"].strip(), row["Description"].strip())
        for row in _read_tsv(OCCUPATIONS_FILE)
    )


@lru_cache(maxsize=1)
def onet_tools() -> tuple[ToolRow, ...]:
    return tuple(
        ToolRow(
            row["O*NET-SOC Code"],
            row["Example"].strip(),
            row["Commodity Title"].strip(),
            row["Hot Technology"].strip() == "Y",
        )
        for row in _read_tsv(TECHNOLOGY_SKILLS_FILE)
    )


def unique_slug(name: str, taken: set[str]) -> str:
    base = slugify(name)[:120] or "skill"
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    taken.add(slug)
    return slug


def skill_seed_rows() -> list[dict]:
    """Every taxonomy skill: O*NET tools (category = commodity title) and curated ones."""
    rows: dict[str, dict] = {}
    for tool in onet_tools():
        key = tool.tool.lower()
        if key not in rows:
            rows[key] = {
                "name": tool.tool,
                "category": tool.category,
                "source": "onet",
                "is_hot": tool.hot,
                "aliases": TOOL_ALIASES.get(tool.tool, []),
            }
        elif tool.hot:
            rows[key]["is_hot"] = True
    for name, aliases in CURATED_SKILLS.items():
        rows.setdefault(
            name.lower(),
            {
                "name": name,
                "category": CAREER_CATEGORY,
                "source": "curated",
                "is_hot": False,
                "aliases": aliases,
            },
        )
    taken: set[str] = set()
    result = []
    for row in sorted(rows.values(), key=lambda r: r["name"].lower()):
        row = dict(row)
        row["slug"] = unique_slug(row["name"], taken)
        row["aliases"] = ";".join(alias.lower() for alias in row["aliases"])
        result.append(row)
    return result


def seed_reference_data(apps=None) -> None:
    """Insert occupations, languages and the taxonomy; existing rows are kept.

    Used by the data migration (with its historical ``apps``) and by the test
    suite to restore the rows after a transactional test flushed them.
    """
    if apps is None:
        from django.apps import apps
    occupation_model = apps.get_model("profiles", "Occupation")
    language_model = apps.get_model("profiles", "Language")
    skill_model = apps.get_model("profiles", "Skill")
    occupation_model.objects.bulk_create(
        [
            occupation_model(soc_code=o.soc_code, title=o.title, description=o.description)
            for o in onet_occupations()
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    language_model.objects.bulk_create(
        [language_model(code=code, name=name) for code, name in LANGUAGES], ignore_conflicts=True
    )
    skill_model.objects.bulk_create(
        [skill_model(status="approved", **row) for row in skill_seed_rows()],
        ignore_conflicts=True,
        batch_size=1000,
    )
