"""The shape of the public health system the dataset imitates: provinces by population,
operational districts, facility types and their staffing, cadres and their sex ratios.

Figures are rounded from the 2019 census (population, thousands) and the public health
system's structure: about one operational district per 150,000 people, one referral
hospital per district (the provincial hospital is its district's), about 1,100 health centres
and 90 health posts, the national hospitals in Phnom Penh.
"""

from __future__ import annotations

from ..orgunits.models import FacilityType

POPULATION = {  # province code -> thousands
    "01": 859,
    "02": 987,
    "03": 895,
    "04": 527,
    "05": 877,
    "06": 677,
    "07": 592,
    "08": 1195,
    "09": 123,
    "10": 372,
    "11": 88,
    "12": 2129,
    "13": 254,
    "14": 1057,
    "15": 411,
    "16": 204,
    "17": 1006,
    "18": 310,
    "19": 160,
    "20": 525,
    "21": 900,
    "22": 276,
    "23": 41,
    "24": 71,
    "25": 776,
}
REMOTE = {"09", "11", "13", "16", "19", "22"}  # where health posts are
PEOPLE_PER_DISTRICT = 150  # thousands
HEALTH_CENTRES = 1100
HEALTH_POSTS = 90
NATIONAL_HOSPITALS = 9

# Relative staffing of one facility of each type (shares of the national workforce).
STAFFING = {
    FacilityType.NATIONAL_HOSPITAL: 450,
    FacilityType.PROVINCIAL_REFERRAL_HOSPITAL: 260,
    FacilityType.REFERRAL_HOSPITAL_CPA3: 160,
    FacilityType.REFERRAL_HOSPITAL_CPA2: 110,
    FacilityType.REFERRAL_HOSPITAL_CPA1: 70,
    FacilityType.HEALTH_CENTRE: 14,
    FacilityType.HEALTH_POST: 4,
}
HOSPITALS = {
    FacilityType.NATIONAL_HOSPITAL,
    FacilityType.PROVINCIAL_REFERRAL_HOSPITAL,
    FacilityType.REFERRAL_HOSPITAL_CPA3,
    FacilityType.REFERRAL_HOSPITAL_CPA2,
    FacilityType.REFERRAL_HOSPITAL_CPA1,
}
TYPE_NAMES = {  # (Khmer prefix, English suffix) of a facility's name
    FacilityType.NATIONAL_HOSPITAL: ("មន្ទីរពេទ្យជាតិ", "National Hospital"),
    FacilityType.PROVINCIAL_REFERRAL_HOSPITAL: (
        "មន្ទីរពេទ្យបង្អែកខេត្ត",
        "Provincial Referral Hospital",
    ),
    FacilityType.REFERRAL_HOSPITAL_CPA3: ("មន្ទីរពេទ្យបង្អែក", "Referral Hospital"),
    FacilityType.REFERRAL_HOSPITAL_CPA2: ("មន្ទីរពេទ្យបង្អែក", "Referral Hospital"),
    FacilityType.REFERRAL_HOSPITAL_CPA1: ("មន្ទីរពេទ្យបង្អែក", "Referral Hospital"),
    FacilityType.HEALTH_CENTRE: ("មណ្ឌលសុខភាព", "Health Centre"),
    FacilityType.HEALTH_POST: ("ប៉ុស្តិ៍សុខភាព", "Health Post"),
}

# Cadre shares of a facility's staff: health centres are nurses and midwives; hospitals
# have the doctors, pharmacists, dentists, laboratory staff and physiotherapists.
CADRE_MIX = {
    "centre": {"NURSE": 46, "MIDWIFE": 42, "MD": 5, "PHARMACIST": 2, "LAB": 4, "DENTIST": 1},
    "hospital": {
        "NURSE": 40,
        "MIDWIFE": 15,
        "MD": 24,
        "PHARMACIST": 5,
        "DENTIST": 3,
        "LAB": 9,
        "PHYSIO": 4,
    },
}
FEMALE_SHARE = {  # per cent of each cadre
    "MIDWIFE": 98,
    "NURSE": 56,
    "MD": 31,
    "PHARMACIST": 46,
    "DENTIST": 41,
    "LAB": 42,
    "PHYSIO": 38,
}
OTHER_SEX_PER_MILLE = 2

# Common Khmer family and given names with their usual Latin spellings.
FAMILY_NAMES = [
    ("សុខ", "Sok"), ("ចាន់", "Chan"), ("គីម", "Kim"), ("ហេង", "Heng"), ("លី", "Ly"),
    ("មាស", "Meas"), ("ជា", "Chea"), ("កែវ", "Keo"), ("សេង", "Seng"), ("ពេជ្រ", "Pich"),
    ("ប្រាក់", "Prak"), ("ញឹម", "Nhem"), ("អ៊ុក", "Ouk"), ("ឡុង", "Long"), ("ទូច", "Touch"),
    ("ជុំ", "Chum"), ("ហែម", "Hem"), ("ម៉ៅ", "Mao"), ("ង៉ែត", "Nget"), ("សំ", "Sam"),
    ("ទេព", "Tep"), ("វ៉ាន់", "Van"), ("យឹម", "Yim"), ("ផាន", "Phan"), ("ឃឹម", "Khim"),
    ("លឹម", "Lim"), ("អ៊ុំ", "Oum"), ("សោម", "Som"), ("ឈុន", "Chhun"), ("ថាច់", "Thach"),
    ("នួន", "Noun"), ("ស៊ុន", "Sun"), ("តាន់", "Tan"), ("ហ៊ុយ", "Huy"), ("ម៉េង", "Meng"),
]  # fmt: skip
FEMALE_NAMES = [
    ("ស្រីល័ក្ខ", "Sreyleak"), ("សុគន្ធា", "Sokunthea"), ("ចាន់ណារី", "Channary"),
    ("ដាលីន", "Dalin"), ("ម្លិះ", "Malis"), ("សោភា", "Sophea"), ("បុប្ផា", "Bopha"),
    ("ចិន្តា", "Chenda"), ("គន្ធា", "Kunthea"), ("លក្ខិណា", "Leakhena"), ("រស្មី", "Raksmey"),
    ("ស្រីមុំ", "Sreymom"), ("ធីតា", "Thida"), ("វណ្ណា", "Vanna"), ("ពិសី", "Pisey"),
    ("ណារី", "Nary"), ("សុធា", "Sothea"), ("ស្រីពៅ", "Sreypov"), ("ដាវី", "Davy"),
    ("ភក្ត្រា", "Pheaktra"), ("សុខលីម", "Sokhalim"), ("ចរិយា", "Chariya"),
]  # fmt: skip
MALE_NAMES = [
    ("វុទ្ធី", "Vuthy"), ("រិទ្ធី", "Rithy"), ("សុផល", "Sophal"), ("ដារ៉ា", "Dara"),
    ("ពិសិដ្ឋ", "Piseth"), ("វណ្ណៈ", "Vannak"), ("រដ្ឋា", "Rotha"), ("សំណាង", "Samnang"),
    ("វិសាល", "Visal"), ("ចាន់ធូ", "Chanthou"), ("ប៊ុនធឿន", "Bunthoeun"), ("កុសល", "Kosal"),
    ("មករា", "Makara"), ("រតនា", "Ratana"), ("សុវណ្ណ", "Sovann"), ("ចន្ថា", "Chantha"),
    ("ណារិន", "Narin"), ("សុខា", "Sokha"), ("ភារ៉ា", "Pheara"), ("វិចិត្រ", "Vichet"),
]  # fmt: skip


def largest_remainder(weights: dict, total: int) -> dict:
    """Split `total` in proportion to `weights`, in whole numbers that add up to it."""
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    shares = {key: int(value) for key, value in exact.items()}
    left = total - sum(shares.values())
    for key in sorted(exact, key=lambda k: shares[k] - exact[k])[:left]:
        shares[key] += 1
    return shares
