"""Reference data: Yemen's 22 governorates and the usual stakeholder groups."""

from django.db import migrations

GOVERNORATES = [
    # (ISO 3166-2 code, slug, Arabic, English)
    ("YE-AB", "abyan", "أبين", "Abyan"),
    ("YE-AD", "aden", "عدن", "Aden"),
    ("YE-AM", "amran", "عمران", "Amran"),
    ("YE-BA", "al-bayda", "البيضاء", "Al Bayda"),
    ("YE-DA", "al-dhale", "الضالع", "Al Dhale"),
    ("YE-DH", "dhamar", "ذمار", "Dhamar"),
    ("YE-HD", "hadramawt", "حضرموت", "Hadramawt"),
    ("YE-HJ", "hajjah", "حجة", "Hajjah"),
    ("YE-HU", "al-hudaydah", "الحديدة", "Al Hudaydah"),
    ("YE-IB", "ibb", "إب", "Ibb"),
    ("YE-JA", "al-jawf", "الجوف", "Al Jawf"),
    ("YE-LA", "lahij", "لحج", "Lahij"),
    ("YE-MA", "marib", "مأرب", "Marib"),
    ("YE-MR", "al-mahrah", "المهرة", "Al Mahrah"),
    ("YE-MW", "al-mahwit", "المحويت", "Al Mahwit"),
    ("YE-RA", "raymah", "ريمة", "Raymah"),
    ("YE-SA", "amanat-al-asimah", "أمانة العاصمة", "Amanat Al-Asimah"),
    ("YE-SD", "saada", "صعدة", "Saada"),
    ("YE-SH", "shabwah", "شبوة", "Shabwah"),
    ("YE-SN", "sanaa", "صنعاء", "Sanaa"),
    ("YE-SU", "socotra", "أرخبيل سقطرى", "Socotra"),
    ("YE-TA", "taiz", "تعز", "Taiz"),
]

STAKEHOLDER_GROUPS = [
    ("security-agencies", "الجهات الأمنية", "Security agencies"),
    ("civil-society", "منظمات المجتمع المدني", "Civil-society organisations"),
    ("human-rights-defenders", "المدافعون عن حقوق الإنسان", "Human-rights defenders"),
    ("media", "الإعلاميون والصحفيون", "Media and journalists"),
    ("local-authority", "السلطة المحلية", "Local authority"),
    ("donors", "المانحون والمنظمات الدولية", "Donors and international organisations"),
    ("community-leaders", "الوجهاء والقيادات المجتمعية والقبلية", "Community and tribal leaders"),
    ("womens-groups", "المجموعات النسائية", "Women's groups"),
    ("youth", "الشباب", "Youth"),
]


def create(apps, schema_editor):
    Governorate = apps.get_model("meetings", "Governorate")
    StakeholderGroup = apps.get_model("meetings", "StakeholderGroup")
    for code, slug, ar, en in GOVERNORATES:
        Governorate.objects.update_or_create(
            code=code, defaults={"slug": slug, "name": ar, "name_ar": ar, "name_en": en}
        )
    for order, (slug, ar, en) in enumerate(STAKEHOLDER_GROUPS, start=1):
        StakeholderGroup.objects.update_or_create(
            slug=slug, defaults={"name": ar, "name_ar": ar, "name_en": en, "order": order}
        )


def remove(apps, schema_editor):
    apps.get_model("meetings", "Governorate").objects.filter(code__in=[g[0] for g in GOVERNORATES]).delete()
    apps.get_model("meetings", "StakeholderGroup").objects.filter(slug__in=[g[0] for g in STAKEHOLDER_GROUPS]).delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]

    operations = [migrations.RunPython(create, remove)]
