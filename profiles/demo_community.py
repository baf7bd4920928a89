"""A deterministic, realistic demo community built from O*NET (``seed_demo``).

Two steps, so the people can be tested without a database:

* :func:`demo_people` turns ``(mentors, mentees, seed)`` into plain
  :class:`PersonSpec` rows. Every person has their own ``random.Random``
  seeded with ``"<seed>:<kind>:<n>"``, so person n is the same whatever the
  size of the run (``--mentors 200`` extends ``--mentors 150``) and the
  global ``random`` is never touched. Dates are days relative to today.
* :func:`demo_community_seed` writes the missing people with bulk inserts:
  users, verified email addresses, profiles and languages through
  ``services.people_create_bulk`` (the rows every new person gets), then
  skills, slots, goals and milestones. People whose email already exists are skipped, so a
  second run with the same arguments changes nothing. It sends no email and
  no ``profile_changed`` signal: a full scoring run is started separately.

See docs/demo-data.md for the distributions and the reasoning behind them.
"""

from __future__ import annotations

import datetime
import random
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.db import transaction
from django.utils import timezone

from . import services
from .models import (
    AvailabilitySlot,
    Goal,
    Language,
    Milestone,
    Occupation,
    Profile,
    ProfileSkill,
    Skill,
    User,
)
from .reference_data import CURATED_SKILLS, onet_occupations, onet_tools

DEMO_DOMAIN = "demo.mentorship.local"
MIN_TOOLS = 8  # an occupation needs this many distinct tools to be drawn
MIN_KNOWN_TOOLS = 6  # ... and this many well-known ones (a mentor offers 5-12)
GENERIC_TOOL_SHARE = 0.2  # a tool listed by more occupations than this may be generic,
GENERIC_LIFT = 2.0  # ... unless its field lists it this many times more often (Python)
TYPICAL_LIFT = 3.0  # a tool this much more common in its field than overall is typical of it
# A tool neither hot nor listed by this many occupations is a niche product name
# ("COWGAME", "Thought Technology BioGraph Infiniti"): a reader would not call
# it a skill, so people offer and want it only when nothing better is left.
KNOWN_TOOL_OCCUPATIONS = 3
# The tools people in one job share (their core stack) come from this many of
# the occupation's best-known tools; the rest of a person's tools are spread.
CORE_TOOLS = 10

# --- Occupations ----------------------------------------------------------------

# How often each SOC major group appears among mentors: an international
# professional mentoring programme leans on tech, business, engineering,
# design, science, health and education, with a tail of everything else.
MAJOR_GROUP_WEIGHTS: dict[str, float] = {
    "15": 22, "11": 12, "13": 12, "17": 9, "27": 8, "19": 6, "29": 6, "25": 5,
    "41": 5, "43": 3, "21": 3, "23": 2, "31": 1, "33": 1, "35": 1, "39": 1,
    "47": 1, "49": 1, "51": 1, "53": 1,
}  # fmt: skip
MENTEE_SAME_GROUPS = 0.85  # else any group uniformly: newcomers from elsewhere

# Within a group every O*NET occupation is equally likely, which makes
# astronomers as common as software developers. These occupations, the ones
# most people in a professional programme hold, are drawn this much more often.
COMMON_OCCUPATION_WEIGHT = 8
COMMON_OCCUPATIONS = frozenset({
    "15-1252.00", "15-1254.00", "15-2051.00", "15-1211.00", "15-1212.00", "15-1242.00",
    "15-1244.00", "15-1253.00", "15-1255.00", "15-1299.08", "15-2041.00",
    "11-1021.00", "11-2021.00", "11-2022.00", "11-3031.00", "11-3121.00", "11-9041.00",
    "11-3021.00", "11-9111.00",
    "13-1082.00", "13-1111.00", "13-1071.00", "13-1161.00", "13-2011.00", "13-2051.00",
    "17-2141.00", "17-2051.00", "17-2071.00", "17-2112.00", "17-2061.00",
    "27-1024.00", "27-1021.00", "27-3031.00", "27-3043.00",
    "19-1042.00", "19-2031.00", "19-3022.00",
    "29-1141.00", "29-1051.00", "29-1123.00",
    "25-2031.00", "25-1011.00", "25-9031.00",
    "41-4012.00", "43-6014.00", "43-4051.00",
})  # fmt: skip

INDUSTRY_BY_GROUP: dict[str, str] = {
    "11": "Business and management", "13": "Finance and professional services",
    "15": "Technology", "17": "Engineering", "19": "Science and research",
    "21": "Non-profit and social care", "23": "Legal", "25": "Education",
    "27": "Media, arts and design", "29": "Healthcare", "31": "Healthcare",
    "33": "Public sector", "35": "Hospitality", "37": "Facilities", "39": "Personal services",
    "41": "Sales and retail", "43": "Business and management", "45": "Agriculture",
    "47": "Construction", "49": "Manufacturing", "51": "Manufacturing",
    "53": "Transport and logistics",
}  # fmt: skip


@dataclass(frozen=True)
class DemoOccupation:
    soc_code: str
    title: str
    job_title: str
    tools: tuple[str, ...]  # hot and widely used first, niche and generic last
    known: int = 0  # how many of ``tools`` (from the start) are neither niche nor generic

    @property
    def major_group(self) -> str:
        return self.soc_code[:2]


# Words that end in "s" but are not plural people ("Sales Managers").
_NOT_PLURAL = {"sales", "systems", "operations", "services", "communications", "promotions",
               "relations", "affairs", "arts", "logistics", "economics", "graphics",
               "electronics", "physics", "statistics", "mathematics", "athletics", "claims",
               "news", "customs", "utilities", "facilities", "works", "sciences", "records",
               "materials", "goods", "products", "programs", "human factors", "factors",
               "resources", "loans", "securities", "chemicals", "metals", "plastics",
               "textiles", "foods", "forests", "fisheries"}  # fmt: skip


def _is_plural_person(word: str) -> bool:
    lower = word.lower()
    return (
        lower.endswith("s") and not lower.endswith(("ss", "us", "is")) and lower not in _NOT_PLURAL
    )


def job_title_from(title: str) -> str:
    """A person's job title from an O*NET occupation title (which is plural), or "".

    "Software Developers" → "Software Developer"; "Food Scientists and
    Technologists" → "Food Scientist"; "Computer and Information Systems
    Managers" → "Computer and Information Systems Manager"; text after the
    first comma is dropped. "" when no person's title can be made (the
    occupation is then not used in the demo).
    """
    if "--" in title:
        return ""  # "Helpers--Brickmasons, ...": no title a person uses
    head = title.split(",")[0].strip()
    rest = ""
    if " of " in head:  # "First-Line Supervisors of Retail Sales Workers"
        head, rest = head.split(" of ", 1)
        rest = " of " + rest
    parts = head.split(" and ")
    if len(parts) > 1 and _is_plural_person(parts[0].split(" ")[-1]):
        head = parts[0]  # "Accountants and Auditors": one person is an accountant
    words = head.split(" ")
    if not _is_plural_person(words[-1].split("/")[0]):
        return ""
    # "Engineers/Architects" → "Engineer/Architect"
    words[-1] = "/".join(_singular(word) for word in words[-1].split("/"))
    return " ".join(words) + rest


def _singular(word: str) -> str:
    lower = word.lower()
    if lower.endswith(("ss", "us", "sis")) or lower in {"staff", "personnel"}:
        return word
    if lower.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if lower.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if lower.endswith("s"):
        return word[:-1]
    return word


@lru_cache(maxsize=1)
def demo_occupations() -> tuple[DemoOccupation, ...]:
    """Occupations with enough real tools to give a mentor 5–12 skills.

    Each occupation's tools are ordered by what says most about the job:
    hot technologies specific to few occupations first, tools that nearly
    every occupation lists (email, office suites) last.
    """
    tools: dict[str, dict[str, bool]] = defaultdict(dict)
    for row in onet_tools():
        tools[row.soc_code][row.tool] = tools[row.soc_code].get(row.tool, False) or row.hot
    spread = Counter(tool for names in tools.values() for tool in names)
    generic = GENERIC_TOOL_SHARE * len(tools)
    # How typical a tool is of a field: the share of the field's occupations
    # that list it, discounted when it is no more common there than anywhere
    # (lift over the SOC major group). Python and SQL rank high for software
    # developers, an office suite nowhere, a product one occupation lists last.
    group_size = Counter(code[:2] for code in tools)
    in_group = Counter((code[:2], tool) for code, names in tools.items() for tool in names)
    result = []
    for occ in onet_occupations():
        if "All Other" in occ.title or occ.soc_code[:2] not in INDUSTRY_BY_GROUP:
            continue
        job_title = job_title_from(occ.title)
        names = tools.get(occ.soc_code, {})
        if not job_title or len(names) < MIN_TOOLS:
            continue
        group = occ.soc_code[:2]

        def rank(name: str, names=names, group=group) -> tuple:
            niche = not names[name] and spread[name] < KNOWN_TOOL_OCCUPATIONS
            share = in_group[group, name] / group_size[group]
            lift = share / (spread[name] / len(tools))
            # Listed almost everywhere and no more in this field than elsewhere.
            everywhere = spread[name] > generic and lift < GENERIC_LIFT
            typical = share * min(1.0, lift / TYPICAL_LIFT) * (1.5 if names[name] else 1.0)
            return (everywhere, niche, -typical, name.lower())

        ordered = sorted(names, key=rank)
        known = sum(1 for name in ordered if rank(name)[:2] == (False, False))
        if known < MIN_KNOWN_TOOLS:
            continue
        result.append(DemoOccupation(occ.soc_code, occ.title, job_title, tuple(ordered), known))
    return tuple(result)


@lru_cache(maxsize=1)
def _occupations_by_group() -> dict[str, tuple[DemoOccupation, ...]]:
    groups: dict[str, list[DemoOccupation]] = defaultdict(list)
    for occ in demo_occupations():
        groups[occ.major_group].append(occ)
    return {group: tuple(occs) for group, occs in sorted(groups.items())}


# --- Places, languages and names -----------------------------------------------------

# (IANA zone, weight, "City, Country", name pool, second languages).
# Weights follow a real international programme run in English: North
# America and Europe large, India, Nigeria, Kenya, Brazil and South-East
# Asia well represented, Oceania small.
PLACES: list[tuple[str, float, str, str, tuple[str, ...]]] = [
    ("America/New_York", 9, "New York, United States", "anglo", ("es",)),
    ("America/Chicago", 4, "Chicago, United States", "anglo", ("es",)),
    ("America/Denver", 1.5, "Denver, United States", "anglo", ("es",)),
    ("America/Los_Angeles", 7, "San Francisco, United States", "anglo", ("es", "zh", "ko")),
    ("America/Toronto", 4, "Toronto, Canada", "anglo", ("fr",)),
    ("America/Mexico_City", 3.5, "Mexico City, Mexico", "hispanic", ("es",)),
    ("America/Bogota", 2, "Bogotá, Colombia", "hispanic", ("es",)),
    ("America/Lima", 1, "Lima, Peru", "hispanic", ("es",)),
    ("America/Santiago", 1, "Santiago, Chile", "hispanic", ("es",)),
    ("America/Argentina/Buenos_Aires", 2.5, "Buenos Aires, Argentina", "hispanic", ("es",)),
    ("America/Sao_Paulo", 4.5, "São Paulo, Brazil", "lusophone", ("pt",)),
    ("Europe/London", 10, "London, United Kingdom", "anglo", ("fr", "de", "es")),
    ("Europe/Dublin", 2, "Dublin, Ireland", "anglo", ("ga", "fr")),
    ("Europe/Berlin", 6, "Berlin, Germany", "german", ("de",)),
    ("Europe/Paris", 5, "Paris, France", "french", ("fr",)),
    ("Europe/Madrid", 3, "Madrid, Spain", "hispanic", ("es",)),
    ("Europe/Lisbon", 1.5, "Lisbon, Portugal", "lusophone", ("pt",)),
    ("Europe/Amsterdam", 3, "Amsterdam, Netherlands", "dutch", ("nl", "de")),
    ("Europe/Stockholm", 2, "Stockholm, Sweden", "nordic", ("sv",)),
    ("Europe/Warsaw", 3, "Warsaw, Poland", "polish", ("pl",)),
    ("Europe/Rome", 2, "Milan, Italy", "italian", ("it",)),
    ("Europe/Kyiv", 2, "Kyiv, Ukraine", "ukrainian", ("uk",)),
    ("Europe/Istanbul", 2, "Istanbul, Türkiye", "turkish", ("tr",)),
    ("Europe/Athens", 1, "Athens, Greece", "greek", ("el",)),
    ("Europe/Bucharest", 1, "Bucharest, Romania", "romanian", ("ro",)),
    ("Africa/Lagos", 5, "Lagos, Nigeria", "nigerian", ("yo",)),
    ("Africa/Nairobi", 4, "Nairobi, Kenya", "kenyan", ("sw",)),
    ("Africa/Johannesburg", 3, "Johannesburg, South Africa", "southafrican", ()),
    ("Africa/Accra", 2, "Accra, Ghana", "ghanaian", ()),
    ("Africa/Cairo", 3, "Cairo, Egypt", "arabic", ("ar",)),
    ("Africa/Casablanca", 1, "Casablanca, Morocco", "arabic", ("ar", "fr")),
    ("Africa/Addis_Ababa", 1, "Addis Ababa, Ethiopia", "ethiopian", ("am",)),
    ("Asia/Kolkata", 9, "Bengaluru, India", "indian", ("hi", "ta", "bn")),
    ("Asia/Karachi", 2, "Karachi, Pakistan", "pakistani", ("ur",)),
    ("Asia/Dhaka", 1.5, "Dhaka, Bangladesh", "bangladeshi", ("bn",)),
    ("Asia/Dubai", 2, "Dubai, United Arab Emirates", "arabic", ("ar", "hi")),
    ("Asia/Jerusalem", 1, "Tel Aviv, Israel", "hebrew", ("he",)),
    ("Asia/Tehran", 1, "Tehran, Iran", "persian", ("fa",)),
    ("Asia/Singapore", 3, "Singapore", "singaporean", ("zh", "ms")),
    ("Asia/Manila", 3, "Manila, Philippines", "filipino", ("tl",)),
    ("Asia/Jakarta", 2, "Jakarta, Indonesia", "indonesian", ("id",)),
    ("Asia/Ho_Chi_Minh", 1, "Ho Chi Minh City, Vietnam", "vietnamese", ("vi",)),
    ("Asia/Bangkok", 1, "Bangkok, Thailand", "thai", ("th",)),
    ("Asia/Shanghai", 2, "Shanghai, China", "chinese", ("zh",)),
    ("Asia/Tokyo", 2, "Tokyo, Japan", "japanese", ("ja",)),
    ("Asia/Seoul", 1, "Seoul, South Korea", "korean", ("ko",)),
    ("Australia/Sydney", 3, "Sydney, Australia", "anglo", ()),
    ("Australia/Melbourne", 2, "Melbourne, Australia", "anglo", ()),
    ("Pacific/Auckland", 1, "Auckland, New Zealand", "anglo", ()),
]
ENGLISH_POOLS = {"anglo", "southafrican", "nigerian", "kenyan", "ghanaian", "singaporean",
                 "indian", "filipino"}  # fmt: skip
# In these pools people speak English at work; elsewhere most do in an
# English-language programme, but not all.
ENGLISH_ELSEWHERE = 0.82
DIASPORA_POOLS = ["indian", "chinese", "hispanic", "nigerian", "arabic", "filipino", "polish",
                  "korean", "vietnamese", "german", "french"]  # fmt: skip
DIASPORA_SHARE = 0.3  # anglo places: share of names from elsewhere

NAMES: dict[str, tuple[list[str], list[str], tuple[str, ...]]] = {
    # pool: (first names, last names, languages people of this name pool add)
    "anglo": (["Olivia", "James", "Amelia", "Noah", "Isla", "Jack", "Grace", "Liam", "Emily",
               "Owen", "Chloe", "Ethan", "Hannah", "Samuel", "Ruby", "Thomas", "Sophie", "Daniel"],
              ["Smith", "Johnson", "Williams", "Brown", "Taylor", "Walker", "Clarke", "Wright",
               "Hughes", "Evans", "Murphy", "Campbell", "Bennett", "Foster", "Reid", "Turner"], ()),
    "hispanic": (["Sofía", "Mateo", "Valentina", "Santiago", "Camila", "Diego", "Lucía", "Javier",
                  "Isabella", "Carlos", "Mariana", "Andrés", "Paula", "Alejandro"],
                 ["García", "Martínez", "Rodríguez", "López", "Hernández", "González", "Pérez",
                  "Sánchez", "Ramírez", "Torres", "Flores", "Vargas", "Castillo", "Morales"], ("es",)),
    "lusophone": (["Ana", "João", "Beatriz", "Pedro", "Larissa", "Gabriel", "Mariana", "Lucas",
                   "Fernanda", "Rafael", "Juliana", "Thiago"],
                  ["Silva", "Santos", "Oliveira", "Souza", "Costa", "Pereira", "Almeida", "Ferreira",
                   "Ribeiro", "Carvalho", "Gomes", "Martins"], ("pt",)),
    "german": (["Lena", "Lukas", "Hannah", "Jonas", "Leonie", "Felix", "Mia", "Maximilian", "Clara",
                "Paul", "Johanna", "Tobias"],
               ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
                "Hoffmann", "Schulz", "Koch", "Richter"], ("de",)),
    "french": (["Camille", "Louis", "Léa", "Hugo", "Chloé", "Arthur", "Manon", "Jules", "Inès",
                "Gabriel", "Juliette", "Théo"],
               ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
                "Leroy", "Moreau", "Laurent", "Lefèvre"], ("fr",)),
    "dutch": (["Sanne", "Daan", "Lotte", "Bram", "Femke", "Sem", "Anouk", "Jesse", "Fleur", "Thijs"],
              ["de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer",
               "Mulder", "de Boer"], ("nl",)),
    "nordic": (["Elsa", "Erik", "Astrid", "Lars", "Ingrid", "Oskar", "Freja", "Nils", "Maja", "Anders"],
               ["Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsen",
                "Hansen", "Lindqvist", "Berg"], ("sv",)),
    "polish": (["Zofia", "Jakub", "Maja", "Kacper", "Julia", "Szymon", "Natalia", "Michał", "Ola",
                "Piotr"],
               ["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński",
                "Szymański", "Woźniak", "Dąbrowski"], ("pl",)),
    "italian": (["Giulia", "Marco", "Chiara", "Luca", "Francesca", "Matteo", "Sara", "Alessandro",
                 "Elena", "Davide"],
                ["Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
                 "Marino", "Greco"], ("it",)),
    "ukrainian": (["Olena", "Andriy", "Iryna", "Oleksandr", "Kateryna", "Dmytro", "Nataliya",
                   "Serhiy", "Yulia", "Taras"],
                  ["Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk",
                   "Boyko", "Oliynyk", "Lysenko", "Marchenko"], ("uk",)),
    "turkish": (["Elif", "Mehmet", "Zeynep", "Emre", "Ayşe", "Can", "Defne", "Burak", "Selin", "Kerem"],
                ["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Aydın", "Öztürk",
                 "Arslan", "Doğan"], ("tr",)),
    "greek": (["Eleni", "Giorgos", "Maria", "Nikos", "Katerina", "Dimitris", "Sofia", "Kostas"],
              ["Papadopoulos", "Georgiou", "Nikolaidis", "Dimitriou", "Ioannou", "Vlachos",
               "Christodoulou", "Antoniou"], ("el",)),
    "romanian": (["Ioana", "Andrei", "Elena", "Mihai", "Ana", "Alexandru", "Maria", "Radu"],
                 ["Popescu", "Ionescu", "Popa", "Stan", "Dumitru", "Constantin", "Marin", "Stoica"],
                 ("ro",)),
    "nigerian": (["Chiamaka", "Oluwaseun", "Ngozi", "Emeka", "Funmilayo", "Tunde", "Adaeze",
                  "Chinedu", "Yetunde", "Ifeanyi", "Temitope", "Babajide"],
                 ["Okafor", "Adeyemi", "Okonkwo", "Balogun", "Eze", "Olawale", "Nwosu", "Adebayo",
                  "Ibrahim", "Ogunleye", "Obi", "Afolabi"], ("yo",)),
    "kenyan": (["Wanjiru", "Kamau", "Achieng", "Otieno", "Njeri", "Mwangi", "Akinyi", "Kiprop",
                "Wambui", "Omondi"],
               ["Kariuki", "Odhiambo", "Njoroge", "Wafula", "Mutua", "Cheruiyot", "Kimani", "Ouma",
                "Chege", "Mugo"], ("sw",)),
    "southafrican": (["Thandiwe", "Sipho", "Lerato", "Thabo", "Naledi", "Pieter", "Zanele",
                      "Johan", "Ayanda", "Kagiso"],
                     ["Nkosi", "Dlamini", "van der Merwe", "Botha", "Mokoena", "Naidoo", "Khumalo",
                      "Pillay", "Mahlangu", "Pretorius"], ()),
    "ghanaian": (["Ama", "Kwame", "Akosua", "Kofi", "Abena", "Yaw", "Efua", "Kojo"],
                 ["Mensah", "Owusu", "Boateng", "Asante", "Osei", "Appiah", "Agyeman", "Amoah"], ()),
    "arabic": (["Layla", "Omar", "Fatima", "Youssef", "Nour", "Ahmed", "Mariam", "Karim", "Salma",
                "Hassan"],
               ["Hassan", "Mahmoud", "Ali", "Ibrahim", "Mansour", "Haddad", "Nasser", "Saleh",
                "Khalil", "Farouk"], ("ar",)),
    "ethiopian": (["Selam", "Dawit", "Hana", "Yonas", "Meron", "Abel", "Tigist", "Samuel"],
                  ["Tesfaye", "Bekele", "Haile", "Girma", "Alemu", "Tadesse", "Mekonnen", "Wolde"],
                  ("am",)),
    "indian": (["Priya", "Arjun", "Ananya", "Rohan", "Kavya", "Vikram", "Aditi", "Rahul", "Sneha",
                "Karthik", "Meera", "Aditya", "Divya", "Siddharth"],
               ["Sharma", "Patel", "Iyer", "Reddy", "Nair", "Gupta", "Menon", "Rao", "Krishnan",
                "Mehta", "Chatterjee", "Banerjee", "Kulkarni", "Singh"], ("hi", "ta", "bn")),
    "pakistani": (["Ayesha", "Ali", "Hira", "Usman", "Sana", "Bilal", "Zainab", "Hamza"],
                  ["Khan", "Ahmed", "Malik", "Qureshi", "Siddiqui", "Hussain", "Shah", "Iqbal"],
                  ("ur",)),
    "bangladeshi": (["Nusrat", "Rafiq", "Tasnim", "Arif", "Farhana", "Imran", "Sadia", "Tanvir"],
                    ["Rahman", "Hossain", "Islam", "Chowdhury", "Ahmed", "Sarkar", "Das", "Uddin"],
                    ("bn",)),
    "hebrew": (["Noa", "Yonatan", "Tamar", "Itai", "Maya", "Omer", "Shira", "Eitan"],
               ["Cohen", "Levi", "Mizrahi", "Peretz", "Biton", "Friedman", "Katz", "Azoulay"],
               ("he",)),
    "persian": (["Shirin", "Reza", "Maryam", "Amir", "Niloufar", "Dariush", "Parisa", "Kian"],
                ["Hosseini", "Ahmadi", "Rezaei", "Karimi", "Moradi", "Jafari", "Rahimi", "Sadeghi"],
                ("fa",)),
    "singaporean": (["Wei Ling", "Jun Jie", "Hui Min", "Kai Wen", "Nur Aisyah", "Ravi", "Mei Xin",
                     "Darren"],
                    ["Tan", "Lim", "Ng", "Lee", "Wong", "Goh", "Chua", "Koh"], ("zh", "ms")),
    "filipino": (["Maria", "Jose", "Angelica", "Mark", "Kristine", "Paolo", "Bea", "Miguel"],
                 ["Santos", "Reyes", "Cruz", "Bautista", "Ocampo", "Garcia", "Mendoza", "Villanueva"],
                 ("tl",)),
    "indonesian": (["Putri", "Budi", "Ayu", "Agus", "Dewi", "Rizky", "Sari", "Wahyu"],
                   ["Santoso", "Wijaya", "Saputra", "Hidayat", "Kusuma", "Pratama", "Nugroho",
                    "Halim"], ("id",)),
    "vietnamese": (["Linh", "Minh", "Trang", "Huy", "Thu", "Duc", "Lan", "Quang"],
                   ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui"], ("vi",)),
    "thai": (["Ploy", "Somchai", "Nok", "Anan", "Malee", "Krit", "Siriporn", "Niran"],
             ["Srisuk", "Chaiyaporn", "Wongsawat", "Rattanakul", "Boonmee", "Saetang", "Thongchai",
              "Kittisak"], ("th",)),
    "chinese": (["Xinyi", "Wei", "Yuxuan", "Hao", "Jing", "Lei", "Mei", "Chen", "Yan", "Zhen"],
                ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"], ("zh",)),
    "japanese": (["Yui", "Haruto", "Sakura", "Ren", "Aoi", "Sota", "Hina", "Kenji"],
                 ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto",
                  "Nakamura"], ("ja",)),
    "korean": (["Ji-woo", "Min-jun", "Seo-yeon", "Do-hyun", "Ha-eun", "Ji-ho", "Soo-ah", "Hyun-woo"],
               ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon"], ("ko",)),
}  # fmt: skip

ORG_PREFIXES = ["North", "Blue", "Bright", "Silver", "Green", "Harbour", "Summit", "Clear",
                "True", "Open", "Cedar", "Atlas", "Nova", "Orbit", "Lumen", "Kestrel", "Meridian",
                "Willow", "Granite", "Coral"]  # fmt: skip
ORG_STEMS = {
    "Technology": ["Labs", "Software", "Systems", "Digital", "Data"],
    "Finance and professional services": ["Capital", "Partners", "Advisory", "Bank", "Insurance"],
    "Healthcare": ["Health", "Clinic", "Medical Centre", "Care"],
    "Education": ["Academy", "College", "Learning", "School"],
    "Public sector": ["City Council", "Agency", "Public Services"],
    "Non-profit and social care": ["Foundation", "Trust", "Community"],
}
ORG_DEFAULT_STEMS = ["Group", "Works", "Co.", "Industries", "Studio", "Solutions"]

CAREER_SKILLS = list(CURATED_SKILLS)
MENTOR_CAREER_SKILLS = ["Leadership", "People management", "Career planning", "Public speaking",
                        "Negotiation", "Stakeholder management", "Communication",
                        "Mentoring others", "Hiring and interviewing", "Giving feedback",
                        "Getting promoted", "Career change", "Project management",
                        "Strategic planning", "Time management", "Personal branding"]  # fmt: skip
MENTEE_CAREER_SHARE = 0.45  # mentees who also want a career skill
MENTOR_CAREER_SHARE = 0.6

# --- People ---------------------------------------------------------------------


@dataclass
class GoalSpec:
    title: str
    description: str
    target_in_days: int
    status: str
    milestones: list[tuple[str, int, int | None]] = field(default_factory=list)
    # milestone: (title, due in days from today, done this many days ago or None)


@dataclass
class PersonSpec:
    email: str
    name: str
    role: str
    soc_code: str
    job_title: str
    headline: str
    bio: str
    industry: str
    organisation: str
    years_experience: int
    location: str
    timezone: str
    languages: list[str]
    offers: list[tuple[str, int]]
    wants: list[tuple[str, int]]
    format_flash: bool
    format_long_term: bool
    capacity: int
    accepting: bool
    away_in_days: int | None
    slots: list[tuple[int, int, int]]  # weekday, start hour, end hour (own time zone)
    goals: list[GoalSpec]
    visibility: str
    linkedin_url: str
    website_url: str
    strengths: str
    growth_areas: str
    onboarded_days_ago: int


def _weighted(rng: random.Random, items: list, weights: list[float]):
    return rng.choices(items, weights=weights, k=1)[0]


def _pick_occupation(rng: random.Random, *, mentee: bool) -> DemoOccupation:
    groups = _occupations_by_group()
    if mentee and rng.random() >= MENTEE_SAME_GROUPS:
        group = rng.choice(list(groups))
    else:
        names = [g for g in MAJOR_GROUP_WEIGHTS if g in groups]
        group = _weighted(rng, names, [MAJOR_GROUP_WEIGHTS[g] for g in names])
    occupations = list(groups[group])
    weights = [
        COMMON_OCCUPATION_WEIGHT if o.soc_code in COMMON_OCCUPATIONS else 1 for o in occupations
    ]
    return _weighted(rng, occupations, weights)


def _pick_place(rng: random.Random):
    return _weighted(rng, PLACES, [place[1] for place in PLACES])


def _name(rng: random.Random, pool: str) -> tuple[str, str]:
    if pool == "anglo" and rng.random() < DIASPORA_SHARE:
        pool = rng.choice(DIASPORA_POOLS)
    first, last, _ = NAMES[pool]
    return f"{rng.choice(first)} {rng.choice(last)}", pool


def _languages(
    rng: random.Random, place_pool: str, name_pool: str, local: tuple[str, ...]
) -> list[str]:
    """English for most; a second language from the region or the family."""
    options = list(dict.fromkeys([*local, *NAMES[name_pool][2]]))
    speaks_english = place_pool in ENGLISH_POOLS or rng.random() < ENGLISH_ELSEWHERE
    languages = ["en"] if speaks_english else []
    if name_pool == "anglo":
        second_share = 0.25
    elif place_pool == "anglo":
        second_share = 0.65  # a diaspora name in an English-speaking city
    else:
        second_share = 0.85
    if options and (not speaks_english or rng.random() < second_share):
        languages.append(options[0] if rng.random() < 0.6 else rng.choice(options))
    if not languages:
        languages = ["en"]
    if rng.random() < 0.08:
        extra = rng.choice(["fr", "es", "de", "pt", "ar", "zh"])
        if extra not in languages:
            languages.append(extra)
    return languages


def _slots(rng: random.Random, count: int) -> list[tuple[int, int, int]]:
    taken: set[tuple[int, int]] = set()
    slots = []
    while len(slots) < count:
        weekday = _weighted(rng, [0, 1, 2, 3, 4, 5], [5, 5, 5, 5, 4, 1.5])
        start = _weighted(rng, [8, 9, 10, 12, 13, 16, 17, 18, 19], [2, 3, 2, 3, 2, 2, 3, 3, 2])
        if (weekday, start) in taken:
            continue
        taken.add((weekday, start))
        slots.append((weekday, start, start + rng.choice([1, 1, 2])))
    return sorted(slots)


def _formats(rng: random.Random) -> tuple[bool, bool]:
    flash, long_term = _weighted(
        rng, [(True, True), (False, True), (True, False)], [0.6, 0.25, 0.15]
    )
    return flash, long_term


def _organisation(rng: random.Random, industry: str) -> str:
    stems = ORG_STEMS.get(industry, ORG_DEFAULT_STEMS)
    return f"{rng.choice(ORG_PREFIXES)}{rng.choice(['', ' ', ' '])}{rng.choice(stems)}"


def _industry(rng: random.Random, occ: DemoOccupation) -> str:
    """The sector of the occupation's group: a reader checks that title and industry agree."""
    return INDUSTRY_BY_GROUP[occ.major_group]


def _slug(name: str) -> str:
    ascii_name = name.encode("ascii", "ignore").decode().lower()
    return "-".join(part for part in ascii_name.replace("'", "").split() if part)


def _tools_for(rng: random.Random, occ: DemoOccupation, low: int, high: int) -> list[str]:
    """``low``–``high`` real tools of the occupation, mostly its core stack.

    Three quarters come from the occupation's best-known tools (the first
    ``CORE_TOOLS``: hot and widely used), so people in one job share a
    recognisable stack; the rest from its other well-known tools. Niche
    product names and generic office tools are used only when nothing else
    is left.
    """
    known = list(occ.tools[: occ.known]) or list(occ.tools)
    count = min(rng.randint(low, high), len(occ.tools))
    head = known[: max(count, CORE_TOOLS)]
    picked = rng.sample(head, min(len(head), max(1, (count * 3 + 3) // 4)))
    chosen = set(picked)
    rest = [tool for tool in known if tool not in chosen]
    picked += rng.sample(rest, min(len(rest), count - len(picked)))
    if len(picked) < count:  # a small occupation: fall back on its other tools
        chosen = set(picked)
        others = [tool for tool in occ.tools if tool not in chosen]
        picked += rng.sample(others, count - len(picked))
    return picked


def _a(phrase: str) -> str:
    """The phrase with "a" or "an" before it."""
    return f"{'an' if phrase[:1].lower() in 'aeiou' else 'a'} {phrase}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def demo_mentor(seed: int, n: int) -> PersonSpec:
    rng = random.Random(f"{seed}:mentor:{n}")  # reproducible demo data  # nosec B311
    occ = _pick_occupation(rng, mentee=False)
    zone, _, location, place_pool, local = _pick_place(rng)
    name, name_pool = _name(rng, place_pool)
    years = min(30, 5 + int(rng.expovariate(1 / 8)))
    tools = _tools_for(rng, occ, 5, 12)
    offers = [(tool, _weighted(rng, [3, 4, 5], [3, 4, 3])) for tool in tools]
    careers: list[str] = []
    if rng.random() < MENTOR_CAREER_SHARE:
        careers = rng.sample(MENTOR_CAREER_SKILLS, rng.randint(1, 3))
        offers += [(skill, _weighted(rng, [3, 4, 5], [2, 4, 3])) for skill in careers]
    industry = _industry(rng, occ)
    organisation = _organisation(rng, industry)
    flash, long_term = _formats(rng)
    capacity = rng.randint(1, 5) if long_term else 0
    status = rng.random()
    accepting, away = True, None
    if status < 0.10:
        accepting = False  # at capacity: closed to new requests for now
    elif status < 0.18:
        away = rng.randint(5, 75)
    role = Profile.Role.BOTH if rng.random() < 0.1 else Profile.Role.MENTOR
    wants: list[tuple[str, int]] = []
    goals: list[GoalSpec] = []
    if role == Profile.Role.BOTH:
        wants = [(skill, rng.randint(1, 3)) for skill in rng.sample(
            ["Leadership", "Strategic planning", "Public speaking", "Fundraising",
             "Entrepreneurship", "Change management", "Budgeting and finance"], 2)]  # fmt: skip
        goals = [_goal(rng, f"Grow as a leader in {industry.lower()}", wants[0][0], occ, occ)]
    audience = rng.choice([
        "early in their career", "changing careers into this field",
        "returning to work after a break", "preparing for their first lead role",
        "self-taught and want a sounding board", "working towards a promotion",
    ])  # fmt: skip
    t1, t2, t3 = (tools + tools)[:3]
    headline = rng.choice([
        f"{occ.job_title} with {years} years' experience · {t1}, {t2}",
        f"{occ.job_title} at {organisation} · happy to help with {t1} and {t2}",
        f"{years} years as {_a(occ.job_title.lower())}; ask me about {t1}",
        f"{occ.job_title} · mentoring on {t1}, {t3} and {(careers or ['career growth'])[0].lower()}",
    ])[:160]  # fmt: skip
    ask = "\n".join(f"- {item}" for item in (tools[:4] + careers[:2]))
    bio = (
        f"I have worked as {_a(occ.job_title.lower())} for {years} years, "
        f"currently at **{organisation}** in {location.split(',')[0]}. "
        f"Day to day I use {_join(tools[:3])}.\n\n"
        f"I enjoy helping people who are {audience}. Ask me about:\n\n{ask}\n\n"
        + rng.choice(
            [
                "I prefer short, focused sessions with a clear question.",
                "Bring real work: a draft, a problem you are stuck on, a decision to make.",
                "I answer messages within a couple of days.",
                "Happy to review CVs and portfolios too.",
            ]
        )  # fmt: skip
    )
    slug = _slug(name)
    return PersonSpec(
        email=f"mentor{n:04d}@{DEMO_DOMAIN}",
        name=name,
        role=role,
        soc_code=occ.soc_code,
        job_title=occ.job_title,
        headline=headline,
        bio=bio,
        industry=industry,
        organisation=organisation,
        years_experience=years,
        location=location,
        timezone=zone,
        languages=_languages(rng, place_pool, name_pool, local),
        offers=offers,
        wants=wants,
        format_flash=flash,
        format_long_term=long_term,
        capacity=capacity,
        accepting=accepting,
        away_in_days=away,
        slots=_slots(rng, rng.randint(1, 4)),
        goals=goals,
        visibility=Profile.Visibility.MATCHES
        if rng.random() < 0.05
        else Profile.Visibility.MEMBERS,
        linkedin_url=f"https://www.linkedin.com/in/{slug}-{n}" if rng.random() < 0.6 else "",
        website_url=f"https://{slug.split('-')[-1]}{n}.example.com" if rng.random() < 0.2 else "",
        strengths=f"Explaining {t1} clearly; reviewing real work; {rng.choice(['patience', 'structured thinking', 'honest feedback', 'a broad network'])}",
        growth_areas="",
        onboarded_days_ago=rng.randint(1, 400),
    )


def _goal(rng, title: str, skill: str, occ: DemoOccupation, target: DemoOccupation) -> GoalSpec:
    months = rng.randint(2, 9)
    status = _weighted(rng, ["open", "in_progress"], [0.6, 0.4])
    steps = rng.sample([
        f"List what {_a('good ' + target.job_title.lower())} needs to know",
        f"Finish an introductory course on {skill}",
        f"Use {skill} in a small project",
        "Ask for feedback from someone more senior",
        "Write up what I learned",
        "Update my CV and LinkedIn profile",
        "Talk to two people who already do this job",
    ], rng.randint(0, 3))  # fmt: skip
    milestones = []
    for i, step in enumerate(steps):
        due = (i + 1) * months * 30 // (len(steps) + 1)
        done = rng.randint(3, 40) if status == "in_progress" and i == 0 else None
        milestones.append((step, due, done))
    return GoalSpec(
        title=title[:160],
        description=(
            f"I work as {_a(occ.job_title.lower())} and want to get this done in about "
            f"{months} months. {skill} is the part I most need help with."
        ),
        target_in_days=months * 30,
        status=status,
        milestones=milestones,
    )


def demo_mentee(seed: int, n: int) -> PersonSpec:
    rng = random.Random(f"{seed}:mentee:{n}")  # reproducible demo data  # nosec B311
    occ = _pick_occupation(rng, mentee=True)
    zone, _, location, place_pool, local = _pick_place(rng)
    name, name_pool = _name(rng, place_pool)
    years = min(12, int(rng.expovariate(1 / 3.5)))
    changing = rng.random() < 0.3
    target = occ
    if changing:
        siblings = [o for o in _occupations_by_group()[occ.major_group] if o != occ]
        target = rng.choice(siblings) if siblings else occ
    tools = _tools_for(rng, target, 3, 8)
    wants = [(tool, _weighted(rng, [1, 2, 3], [2, 4, 3])) for tool in tools]
    careers: list[str] = []
    if changing:
        careers.append("Career change")
    if rng.random() < MENTEE_CAREER_SHARE:
        careers += [
            s
            for s in rng.sample(
                ["Career planning", "Negotiation", "Public speaking", "Getting promoted",
                 "Communication", "Leadership", "Personal branding", "Time management",
                 "Returning to work", "Stakeholder management"], 2)
            if s not in careers
        ][: rng.randint(1, 2)]  # fmt: skip
    wants += [(skill, _weighted(rng, [1, 2, 3], [1, 3, 4])) for skill in careers]
    industry = _industry(rng, occ)
    goals = []
    if changing:
        goals.append(
            _goal(rng, f"Move from {occ.job_title} to {target.job_title}", tools[0], occ, target)
        )
    templates = [
        "Get better at {tool}",
        "Learn {tool} well enough to use it at work",
        "Build a portfolio project with {tool} and {tool2}",
        "Prepare for {target} role",
        "Get promoted to senior {own}",
        "Become confident in {career}",
    ]  # fmt: skip
    skill_careers = [c for c in careers if c != "Career change"]
    for template in rng.sample(templates, rng.randint(1, 2) if changing else rng.randint(1, 3)):
        if "{career}" in template and not skill_careers:
            continue
        if "{own}" in template and years < 2:
            continue
        title = template.format(
            tool=tools[0] if not goals else rng.choice(tools),
            tool2=tools[-1],
            target=_a(target.job_title.lower()),
            own=occ.job_title.lower(),
            career=(skill_careers or ["x"])[-1].lower(),
        )
        if all(goal.title != title for goal in goals):
            goals.append(_goal(rng, title, rng.choice(tools), occ, target))
    if not goals:
        goals.append(_goal(rng, f"Get better at {tools[0]}", tools[0], occ, target))
    flash, long_term = _formats(rng)
    headline = rng.choice([
        f"{occ.job_title} learning {tools[0]}",
        f"{occ.job_title}, {years} year{'s' if years != 1 else ''} in · curious about {_join(tools[:2])}",
        f"Aspiring {target.job_title.lower()}" if changing else f"{occ.job_title} at {_organisation(rng, industry)}",
        f"{'Early-career ' if years < 3 else ''}{occ.job_title.lower() if years < 3 else occ.job_title} looking for a mentor",
    ])[:160]  # fmt: skip
    bio = (
        f"I am {_a(occ.job_title.lower())} based in {location.split(',')[0]}"
        + (f" with {years} years of experience" if years else ", just starting out")
        + ". "
        + (
            f"I want to move into work as {_a(target.job_title.lower())}."
            if changing
            else f"I want to get much better at {_join(tools[:2])}."
        )
        + "\n\nWhat would help most: "
        + rng.choice(
            [
                "someone who has done it to tell me what matters and what does not.",
                "regular check-ins to keep me on track.",
                "honest feedback on my work.",
                "advice on which skills to learn first.",
            ]
        )  # fmt: skip
    )
    slug = _slug(name)
    return PersonSpec(
        email=f"mentee{n:04d}@{DEMO_DOMAIN}",
        name=name,
        role=Profile.Role.MENTEE,
        soc_code=occ.soc_code,
        job_title=occ.job_title,
        headline=headline,
        bio=bio,
        industry=industry,
        organisation=_organisation(rng, industry) if rng.random() < 0.7 else "",
        years_experience=years,
        location=location,
        timezone=zone,
        languages=_languages(rng, place_pool, name_pool, local),
        offers=[],
        wants=wants,
        format_flash=flash,
        format_long_term=long_term,
        capacity=0,
        accepting=True,
        away_in_days=None,
        slots=_slots(rng, rng.randint(1, 3)) if rng.random() < 0.8 else [],
        goals=goals,
        visibility=Profile.Visibility.MATCHES if rng.random() < 0.1 else Profile.Visibility.MEMBERS,
        linkedin_url=f"https://www.linkedin.com/in/{slug}-{n}" if rng.random() < 0.5 else "",
        website_url="",
        strengths="",
        growth_areas="; ".join(name for name, _ in wants[:4]),
        onboarded_days_ago=rng.randint(0, 200),
    )


def demo_people(*, mentors: int, mentees: int, seed: int) -> list[PersonSpec]:
    """The community as plain rows: the same arguments always give the same people."""
    return [demo_mentor(seed, n) for n in range(1, mentors + 1)] + [
        demo_mentee(seed, n) for n in range(1, mentees + 1)
    ]


# --- Writing --------------------------------------------------------------------------


@dataclass
class SeedSummary:
    created_mentors: int = 0
    created_mentees: int = 0
    skipped: int = 0
    profile_skills: int = 0
    languages: int = 0
    slots: int = 0
    goals: int = 0
    milestones: int = 0
    missing_skills: int = 0
    seconds: float = 0.0
    roles: Counter = field(default_factory=Counter)

    @property
    def created(self) -> int:
        return self.created_mentors + self.created_mentees


def _skill_ids() -> dict[str, int]:
    return {name.lower(): pk for pk, name in Skill.objects.values_list("pk", "name")}


@transaction.atomic
def demo_community_seed(
    *, mentors: int, mentees: int, seed: int, password: str | None = None, batch_size: int = 1000
) -> SeedSummary:
    """Create the demo community in bulk; people who already exist are left alone.

    ``password``: one password for every demo person, hashed once (hashing
    per person would take minutes); ``None`` gives unusable passwords.
    """
    started = time.perf_counter()
    summary = SeedSummary()
    people = demo_people(mentors=mentors, mentees=mentees, seed=seed)
    existing = set(
        User.objects.filter(email__in=[p.email for p in people]).values_list("email", flat=True)
    )
    todo = [p for p in people if p.email not in existing]
    summary.skipped = len(people) - len(todo)
    if not todo:
        summary.seconds = time.perf_counter() - started
        return summary

    now = timezone.now()
    today = timezone.localdate()
    occupations = {occ.soc_code: occ for occ in Occupation.objects.only("pk", "soc_code")}
    skills = _skill_ids()

    profiles = services.people_create_bulk(
        people=[
            services.NewPerson(
                email=p.email,
                name=p.name,
                date_joined=now - datetime.timedelta(days=p.onboarded_days_ago, hours=1),
                profile={
                    "role": p.role,
                    "headline": p.headline,
                    "bio": p.bio,
                    "job_title": p.job_title,
                    "occupation": occupations.get(p.soc_code),
                    "industry": p.industry,
                    "organisation": p.organisation,
                    "years_experience": p.years_experience,
                    "location": p.location,
                    "timezone": p.timezone,
                    "languages": p.languages,
                    "strengths": p.strengths,
                    "growth_areas": p.growth_areas,
                    "format_flash": p.format_flash,
                    "format_long_term": p.format_long_term,
                    "linkedin_url": p.linkedin_url,
                    "website_url": p.website_url,
                    "visibility": p.visibility,
                    "capacity": p.capacity,
                    "accepting": p.accepting,
                    "away_until": (today + datetime.timedelta(days=p.away_in_days))
                    if p.away_in_days
                    else None,
                    "onboarded_at": now - datetime.timedelta(days=p.onboarded_days_ago),
                },
            )
            for p in todo
        ],
        password=password,
        notify=False,  # a full scoring run is started separately
        batch_size=batch_size,
    )
    users = [profile.user for profile in profiles]

    profile_skills, slots, goals, goal_milestones = [], [], [], []
    for user, profile, p in zip(users, profiles, todo, strict=True):
        summary.roles[p.role] += 1
        if p.role == Profile.Role.MENTEE:
            summary.created_mentees += 1
        else:
            summary.created_mentors += 1
        for direction, items in ((ProfileSkill.Direction.OFFERS, p.offers),
                                 (ProfileSkill.Direction.WANTS, p.wants)):  # fmt: skip
            for name, level in items:
                skill_id = skills.get(name.lower())
                if skill_id is None:  # renamed or merged by an admin since
                    summary.missing_skills += 1
                    continue
                profile_skills.append(
                    ProfileSkill(
                        profile=profile, skill_id=skill_id, direction=direction, level=level
                    )
                )
        slots += [
            AvailabilitySlot(
                profile=profile,
                weekday=weekday,
                start_time=datetime.time(start),
                end_time=datetime.time(end),
            )
            for weekday, start, end in p.slots
        ]
        for spec in p.goals:
            goal = Goal(
                owner=user,
                title=spec.title,
                description=spec.description,
                target_date=today + datetime.timedelta(days=spec.target_in_days),
                status=spec.status,
            )
            goals.append(goal)
            goal_milestones.append((goal, spec.milestones))

    ProfileSkill.objects.bulk_create(profile_skills, batch_size=batch_size * 2)
    AvailabilitySlot.objects.bulk_create(slots, batch_size=batch_size * 2)
    Goal.objects.bulk_create(goals, batch_size=batch_size)
    milestones = [
        Milestone(
            goal=goal,
            title=title,
            position=position,
            due_date=today + datetime.timedelta(days=due),
            done_at=(today - datetime.timedelta(days=done)) if done is not None else None,
        )
        for goal, specs in goal_milestones
        for position, (title, due, done) in enumerate(specs)
    ]
    Milestone.objects.bulk_create(milestones, batch_size=batch_size * 2)

    summary.profile_skills = len(profile_skills)
    codes = set(Language.objects.values_list("code", flat=True))
    summary.languages = sum(1 for p in todo for code in set(p.languages) if code in codes)
    summary.slots = len(slots)
    summary.goals = len(goals)
    summary.milestones = len(milestones)
    summary.seconds = time.perf_counter() - started
    return summary
