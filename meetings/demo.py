"""Demo data: the Marib consultative meeting of 26 November 2022 and a few invented meetings.

The Marib meeting, and the Thursday meeting it follows, come from a public post (the sample in
the brief); their facts are the post's, and nothing about them is invented beyond what the post
implies. Everything else is invented to show the rest of the portal: organisations whose
description says they are fictional, public bodies whose description says their part is
invented, protected people under pseudonyms, follow-up timelines, and meetings in draft, in
review and archived so that the publication rule can be seen.

``load_demo()`` is idempotent. Rows are found by natural keys (slugs, names, a recommendation's
number within its meeting, a timeline entry's date and status) and saved only when a value
differs — an ``update_or_create`` that does not touch unchanged rows — so a second run writes
nothing, not even ``updated_at``. Running it again also repairs a demo record: organisations,
participants, recommendations and timeline entries of a demo meeting that the data does not list
are removed.
"""

import datetime
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify

from .models import (
    Governorate,
    Meeting,
    MeetingOrganization,
    Organization,
    Participation,
    Person,
    Position,
    Project,
    Recommendation,
    RecommendationUpdate,
    StakeholderGroup,
    Tag,
    Theme,
)
from .models.base import SLUG_MAX_LENGTH

Kind = Organization.Kind
Role = MeetingOrganization.Role
Speaker = Participation.Role
Status = Recommendation.Status
D = datetime.date

FICTIONAL = ("منظمة افتراضية ضمن بيانات العرض.", "A fictional organisation in the demo data.")
INVENTED_PART = ("جهة عامة؛ مشاركتها في سجلات العرض افتراضية.", "A public body; its part in the demo records is invented.")
PSEUDONYM_NOTE = "شخص افتراضي ضمن بيانات العرض باسم مستعار. محمي: لا يظهر اسمه في أي صفحة عامة."
DEMO_MINUTES_NOTE = (
    "\n\n(سجل افتراضي ضمن بيانات العرض.)",
    "\n\n(An invented record in the demo data.)",
)


# --- Reference rows ----------------------------------------------------------------

THEMES = [
    ("coordination", "التنسيق والتعاون", "Coordination and cooperation"),
    ("partnership", "الشراكة مع المجتمع المدني", "Partnership with civil society"),
    ("capacity-building", "بناء القدرات", "Capacity building"),
    ("monitoring-documentation", "الرصد والتوثيق", "Monitoring and documentation"),
    ("transparency", "الشفافية", "Transparency"),
    ("media-work", "تسهيل العمل الصحفي", "Facilitating journalists' work"),
    ("protection-of-defenders", "حماية المدافعين عن حقوق الإنسان", "Protection of human-rights defenders"),
    ("womens-participation", "مشاركة المرأة", "Women's participation"),
    ("detention", "أوضاع الاحتجاز والمحاكمة العادلة", "Detention and fair trial"),
    ("mine-action", "الألغام ومخلفات الحرب", "Landmines and explosive remnants of war"),
]

TAGS = [
    ("مأرب", "Marib"),
    ("مساءلة", "Musaala"),
    ("اليمن", "Yemen"),
    ("مشروع_ساند", "Sanad_project"),
    ("تعز", "Taiz"),
    ("عدن", "Aden"),
    ("حضرموت", "Hadramawt"),
    ("حماية_المدافعين", "Protecting_defenders"),
    ("السلم_المجتمعي", "Community_peace"),
]

# key: name_ar, name_en, acronym (ar, en), kind, governorate slug, description (ar, en)
ORGANIZATIONS = {
    # From the Marib post.
    "musaala": ("منظمة مساءلة لحقوق الإنسان", "Musa'ala Organization for Human Rights",
                ("مساءلة", "Musa'ala"), Kind.HUMAN_RIGHTS, None, ("", "")),
    "sada": ("المنظمة الوطنية للإعلاميين اليمنيين «صدى»",
             'National Organization of Yemeni Media Professionals "Sada"',
             ("صدى", "Sada"), Kind.MEDIA, None, ("", "")),
    "marib-police": ("شرطة محافظة مأرب", "Marib Governorate Police", ("", ""), Kind.SECURITY, "marib", ("", "")),
    "saferworld": ("سيفيرورلد", "Saferworld", ("", ""), Kind.DONOR, None, ("", "")),
    "marib-office": ("ديوان عام محافظة مأرب", "Marib Governorate General Office", ("", ""),
                     Kind.LOCAL_AUTHORITY, "marib", ("", "")),
    "marib-hr-office": ("مكتب حقوق الإنسان بمحافظة مأرب", "Human Rights Office, Marib Governorate", ("", ""),
                        Kind.GOVERNMENT, "marib", ("", "")),
    # Invented.
    "taiz-network": ("شبكة تعز للرصد الحقوقي", "Taiz Rights Monitoring Network", ("", ""),
                     Kind.HUMAN_RIGHTS, "taiz", FICTIONAL),
    "taiz-authority": ("السلطة المحلية بمحافظة تعز", "Taiz Governorate Local Authority", ("", ""),
                       Kind.LOCAL_AUTHORITY, "taiz", INVENTED_PART),
    "aden-women": ("مبادرة نساء من أجل السلام في عدن", "Women for Peace Initiative, Aden", ("", ""),
                   Kind.NGO, "aden", FICTIONAL),
    "aden-security": ("إدارة أمن محافظة عدن", "Aden Governorate Security Administration", ("", ""),
                      Kind.SECURITY, "aden", INVENTED_PART),
    "aden-authority": ("السلطة المحلية بمحافظة عدن", "Aden Governorate Local Authority", ("", ""),
                       Kind.LOCAL_AUTHORITY, "aden", INVENTED_PART),
    "hadramawt-foundation": ("مؤسسة حضرموت للحوار المدني", "Hadramawt Civic Dialogue Foundation", ("", ""),
                             Kind.NGO, "hadramawt", FICTIONAL),
    "hadramawt-hr-office": ("مكتب حقوق الإنسان بمحافظة حضرموت", "Human Rights Office, Hadramawt Governorate",
                            ("", ""), Kind.GOVERNMENT, "hadramawt", INVENTED_PART),
    "hadramawt-security": ("إدارة أمن ساحل حضرموت", "Hadramawt Coast Security Administration", ("", ""),
                           Kind.SECURITY, "hadramawt", INVENTED_PART),
    "tihama-youth": ("ملتقى شباب تهامة للسلم الاجتماعي", "Tihama Youth Forum for Social Peace", ("", ""),
                     Kind.NGO, "al-hudaydah", FICTIONAL),
    "khawkhah-authority": ("السلطة المحلية بمديرية الخوخة", "Al-Khawkhah District Local Authority", ("", ""),
                           Kind.LOCAL_AUTHORITY, "al-hudaydah", INVENTED_PART),
    "shabwah-association": ("جمعية شبوة للتنمية والحقوق", "Shabwah Association for Development and Rights",
                            ("", ""), Kind.NGO, "shabwah", FICTIONAL),
    "independent-media-forum": ("منتدى الإعلام المستقل", "Independent Media Forum", ("", ""),
                                Kind.MEDIA, "amanat-al-asimah", FICTIONAL),
    "civil-society-fund": ("صندوق دعم المجتمع المدني", "Civil Society Support Fund", ("", ""),
                           Kind.DONOR, None, FICTIONAL),
}

# key: name_ar, name_en, public?, gender, notes
PEOPLE = {
    # Officials who spoke publicly at the Marib meeting (named in the post).
    "halis": ("عبدربه حليس", "Abdrabbuh Halis", True, Person.Gender.MALE, ""),
    "judai": ("عبدربه جديع", "Abdrabbuh Judai'", True, Person.Gender.MALE, ""),
    # Invented human-rights defenders: pseudonyms, protected.
    "salma": ("سلمى (اسم مستعار)", "Salma (pseudonym)", False, Person.Gender.FEMALE, PSEUDONYM_NOTE),
    "murad": ("مراد (اسم مستعار)", "Murad (pseudonym)", False, Person.Gender.MALE, PSEUDONYM_NOTE),
    "huda": ("هدى (اسم مستعار)", "Huda (pseudonym)", False, Person.Gender.FEMALE, PSEUDONYM_NOTE),
    "najla": ("نجلاء (اسم مستعار)", "Najla (pseudonym)", False, Person.Gender.FEMALE, PSEUDONYM_NOTE),
    "fares": ("فارس (اسم مستعار)", "Fares (pseudonym)", False, Person.Gender.MALE, PSEUDONYM_NOTE),
    "amal": ("أمل (اسم مستعار)", "Amal (pseudonym)", False, Person.Gender.FEMALE, PSEUDONYM_NOTE),
    "yasser": ("ياسر (اسم مستعار)", "Yasser (pseudonym)", False, Person.Gender.MALE, PSEUDONYM_NOTE),
}

# key: person, title_ar, title_en, organisation, start, end
POSITIONS = {
    "halis-information": ("halis", "مدير عام المعلومات والإحصاء بديوان عام المحافظة",
                          "Director-General of Information and Statistics at the Governorate General Office",
                          "marib-office", None, None),
    "judai-human-rights": ("judai", "مدير عام مكتب حقوق الإنسان", "Director-General of the Human Rights Office",
                           "marib-hr-office", None, None),
    "salma-monitoring": ("salma", "منسقة الرصد الميداني", "Field monitoring coordinator",
                         "taiz-network", D(2021, 3, 1), None),
}

PROJECTS = {
    "sanad": {
        "name": ("مشروع ساند لتعزيز السلم المجتمعي", "Sanad project for strengthening community peace"),
        "description": (
            "مشروع تنفذه منظمتا مساءلة لحقوق الإنسان و«صدى» بالتعاون مع شرطة محافظة مأرب وبدعم من منظمة "
            "سيفيرورلد، ويهدف إلى تعزيز التعاون وتحسين العلاقة وتوسيع مساحات الحوار بين الأجهزة الأمنية "
            "ومنظمات المجتمع المدني المحلية والمدافعين عن حقوق الإنسان، بما يعزز ثقافة حقوق الإنسان والدفاع عنها.",
            "A project implemented by Musa'ala Organization for Human Rights and Sada in cooperation with the "
            "Marib Governorate Police, with support from Saferworld. It aims to strengthen cooperation, improve "
            "relations and widen the space for dialogue between the security agencies, local civil-society "
            "organisations and human-rights defenders, and so to strengthen the culture of human rights and "
            "their defence.",
        ),
        "implementers": ["musaala", "sada"],
        "donors": ["saferworld"],
    },
    "bridges-of-trust": {
        "name": ("مشروع جسور الثقة", "Bridges of Trust project"),
        "description": (
            "مشروع افتراضي ضمن بيانات العرض لتعزيز الثقة بين المجتمعات المحلية والجهات الأمنية والسلطات "
            "المحلية في تعز وعدن.",
            "A fictional project in the demo data, building trust between local communities, security agencies "
            "and local authorities in Taiz and Aden.",
        ),
        "implementers": ["taiz-network", "aden-women"],
        "donors": ["civil-society-fund"],
        "start_date": D(2023, 1, 1),
        "end_date": D(2024, 6, 30),
    },
}


# --- The Marib meetings (from the post) ---------------------------------------------

MARIB_MINUTES_AR = """\
نظمت منظمة مساءلة لحقوق الانسان، و المنظمة الوطنية للإعلاميين اليمنيين "صدى" يوم أمس السبت، لقاءً تشاورياً بين الجهات الأمنية ومنظمات المجتمع المدني والمدافعين عن حقوق الإنسان بمحافظة مأرب، لبحث سبل تذليل الصعوبات والتحديات التي تواجه عمل المنظمات والمدافعين عن حقوق الإنسان في الميدان وكيفية تذليلها.

اللقاء الذي ضم ممثلي منظمات المجتمع المدني المحلية والحقوقية والسلطة المحلية والامنية، يأتي ضمن أنشطة مشروع ساند لتعزيز السلم المجتمعي الذي تنفذه منظمتي مساءلة وصدى بالتعاون مع شرطة محافظة مأرب وبدعم من منظمة سيفيرورلد Saferworld ويهدف لتعزيز التعاون وتحسين العلاقة وتوسيع مساحات الحوار بين الأجهزة الأمنية ومنظمات المجتمع المدني المحلية والمدافعين عن حقوق الإنسان والذي من شأنه تعزيز ثقافة حقوق الإنسان والدفاع عنها.

وفي بداية اللقاء اكد مدير عام المعلومات والإحصاء بديوان عام المحافظة عبدربه حليس ومدير عام مكتب حقوق الانسان عبدربه جديع، على اهمية تعزيز آلية التنسيق والتعاون بين السلطة المحلية ومنظمات المجتمع المدني باعتبارها شريكاً أساسياً ومهماً في التنمية، وتعزيز دورها لخدمة المجتمع ونشر ثقافة حقوق الإنسان والدفاع عنها ومناصرة الضحايا.

واشاد حليس وجديع بالادوار الوطنية والمجتمعية لمنظمات المجتمع المدني خلال السنوات الثمان من الحرب، لمواجه التحديات التي تواجهها المحافظة والسلطة المحلية في كافة قطاعاتها الخدمية، وتعزيز التعايش والسلم المجتمعي والصمود نتيجة استقبال المحافظة لاعداد كبيرة من النازحين، الى جانب ما لعبته المنظمات الحقوقية من دور للمساعدة في تعزيز سيادة القانون وحفظ الحقوق.

كما اشادا بجهود المنظمات الحقوقية والمدافعين عن حقوق الإنسان في رصد وتوثيق انتهاكات حقوق الإنسان والجرائم الانسانية بحق المدنيين والعامة والخاصة وكشفها للراي العام الاقليمي والدولي.

هذا وخرج اللقاء التشاوري بمجموعة من التوصيات والمقترحات التي أكدت في مجملها على أهمية تعزيز العلاقة والتنسيق بين السلطة المحلية والامنية ومنظمات المجتمع المدني الحقوقية من اجل تفعيل دورها بشكل اكبر وتعزيز شراكتها الوطنية والخدمية والتنموية والحقوقية، وضرورة تطوير المنظمات المحلية الحقوقية لقدراتها واليات عملها والالتزام بالمهنية في الرصد والتوثيق ونقل الحقائق كما هي والشفافية في الاداء والتقارير.

يشار إلى أن هذا اللقاء التشاوري يأتي بعد تنظيم سابق يوم الخميس الماضي للقاء تشاوري موسع جمع الجهات الأمنية مع الاعلاميين والصحفيين في المحافظة، والذي خرج بآلية تنسيقية لتسهيل العمل وتعزيز التعاون بين الطرفين لتسهيل عمل الصحفيين والاعلاميين في المحافظة."""

MARIB_MINUTES_EN = """\
On Saturday, Musa'ala Organization for Human Rights and the National Organization of Yemeni Media Professionals "Sada" held a consultative meeting between the security agencies, civil-society organisations and human-rights defenders in Marib governorate, to discuss how to overcome the difficulties and challenges that organisations and human-rights defenders face in their work in the field.

The meeting, which brought together representatives of local and human-rights civil-society organisations and of the local and security authorities, is one of the activities of the Sanad project for strengthening community peace, implemented by Musa'ala and Sada in cooperation with the Marib Governorate Police and with support from Saferworld. The project aims to strengthen cooperation, improve relations and widen the space for dialogue between the security agencies, local civil-society organisations and human-rights defenders, which in turn strengthens the culture of human rights and their defence.

At the opening of the meeting, Abdrabbuh Halis, Director-General of Information and Statistics at the Governorate General Office, and Abdrabbuh Judai', Director-General of the Human Rights Office, stressed the importance of strengthening coordination and cooperation between the local authority and civil-society organisations, as an essential and important partner in development, and of strengthening the organisations' role in serving the community, spreading the culture of human rights and their defence, and advocating for victims.

Halis and Judai' praised the national and social roles that civil-society organisations have played during the eight years of war in meeting the challenges faced by the governorate and the local authority across all public-service sectors, and in strengthening coexistence, community peace and resilience as the governorate took in large numbers of displaced people, as well as the part human-rights organisations have played in helping to strengthen the rule of law and protect rights.

They also praised the efforts of human-rights organisations and defenders in monitoring and documenting human-rights violations and crimes against civilians and against public and private property, and in exposing them to regional and international public opinion.

The consultative meeting produced a set of recommendations and proposals which, taken together, stressed the importance of strengthening the relationship and coordination between the local and security authorities and human-rights civil-society organisations, so that these organisations can play a fuller role, and of strengthening their national, service, development and human-rights partnership; the need for local human-rights organisations to develop their capacities and working methods; commitment to professionalism in monitoring and documentation and to reporting the facts as they are; and transparency in performance and in reporting.

This consultative meeting follows an expanded consultative meeting held last Thursday, which brought together the security agencies and media professionals and journalists in the governorate and agreed a coordination mechanism to facilitate the work and strengthen cooperation between the two sides, making it easier for journalists and media professionals to work in the governorate."""

OFFICIALS_STATEMENT = (
    "أكّد، إلى جانب {other_ar}، أهمية تعزيز آلية التنسيق والتعاون بين السلطة المحلية ومنظمات المجتمع المدني "
    "باعتبارها شريكاً أساسياً ومهماً في التنمية، وتعزيز دورها لخدمة المجتمع ونشر ثقافة حقوق الإنسان والدفاع عنها "
    "ومناصرة الضحايا. وأشاد بالأدوار الوطنية والمجتمعية لمنظمات المجتمع المدني خلال ثماني سنوات من الحرب في "
    "مواجهة التحديات التي تواجهها المحافظة والسلطة المحلية في قطاعاتها الخدمية، وفي تعزيز التعايش والسلم المجتمعي "
    "والصمود مع استقبال المحافظة أعداداً كبيرة من النازحين، وبما أدته المنظمات الحقوقية في تعزيز سيادة القانون "
    "وحفظ الحقوق، وبجهود المنظمات الحقوقية والمدافعين عن حقوق الإنسان في رصد الانتهاكات وتوثيقها وكشفها للرأي "
    "العام الإقليمي والدولي.",
    "Together with the {other_en}, he stressed the importance of strengthening coordination and cooperation "
    "between the local authority and civil-society organisations, as an essential partner in development, and of "
    "strengthening their role in serving the community, spreading the culture of human rights and their defence, "
    "and advocating for victims. He praised the national and social roles civil-society organisations have played "
    "through eight years of war in meeting the challenges the governorate and its local authority face in public "
    "services, and in strengthening coexistence, community peace and resilience as the governorate took in large "
    "numbers of displaced people; the part human-rights organisations have played in strengthening the rule of "
    "law and protecting rights; and the work of human-rights organisations and defenders in monitoring, "
    "documenting and exposing violations to regional and international public opinion.",
)


def _officials_statement(other_ar, other_en):
    return tuple(text.format(other_ar=other_ar, other_en=other_en) for text in OFFICIALS_STATEMENT)


MEETINGS = [
    {
        "key": "marib-security-media",
        "title": (
            "اللقاء التشاوري الموسع بين الجهات الأمنية والإعلاميين والصحفيين في مأرب",
            "Expanded consultative meeting between the security agencies and media professionals and "
            "journalists in Marib",
        ),
        "kind": Meeting.Kind.CONSULTATIVE,
        # "Last Thursday" in the post of Saturday 26 November 2022.
        "date": D(2022, 11, 24),
        "governorate": "marib",
        "project": "sanad",
        "status": Meeting.Status.PUBLISHED,
        "summary": (
            "لقاء تشاوري موسع جمع الجهات الأمنية مع الإعلاميين والصحفيين في محافظة مأرب ضمن أنشطة مشروع ساند "
            "لتعزيز السلم المجتمعي، وخرج بآلية تنسيقية لتسهيل العمل وتعزيز التعاون بين الطرفين لتسهيل عمل "
            "الصحفيين والإعلاميين في المحافظة.",
            "An expanded consultative meeting that brought together the security agencies and media "
            "professionals and journalists in Marib governorate, as part of the Sanad project for strengthening "
            "community peace. It agreed a coordination mechanism to facilitate the work and strengthen "
            "cooperation between the two sides, making it easier for journalists and media professionals to work "
            "in the governorate.",
        ),
        "minutes": (
            "ورد هذا اللقاء في خبر اللقاء التشاوري المنعقد في 26 نوفمبر 2022: «يشار إلى أن هذا اللقاء التشاوري "
            "يأتي بعد تنظيم سابق يوم الخميس الماضي للقاء تشاوري موسع جمع الجهات الأمنية مع الاعلاميين والصحفيين "
            "في المحافظة، والذي خرج بآلية تنسيقية لتسهيل العمل وتعزيز التعاون بين الطرفين لتسهيل عمل الصحفيين "
            "والاعلاميين في المحافظة.»",
            "This meeting is known from the report of the consultative meeting of 26 November 2022: \"This "
            "consultative meeting follows an expanded consultative meeting held last Thursday, which brought "
            "together the security agencies and media professionals and journalists in the governorate and agreed "
            "a coordination mechanism to facilitate the work and strengthen cooperation between the two sides, "
            "making it easier for journalists and media professionals to work in the governorate.\"",
        ),
        "stakeholder_groups": ["security-agencies", "media"],
        "tags": ["مأرب", "مشروع_ساند"],
        # The post calls it an earlier event of the same series: same organisers and project.
        "organizations": [("musaala", Role.ORGANISER), ("sada", Role.CO_ORGANISER), ("marib-police", Role.PARTICIPANT)],
        "participations": [],
        "recommendations": [
            {
                "text": (
                    "آلية تنسيقية لتسهيل العمل وتعزيز التعاون بين الطرفين لتسهيل عمل الصحفيين والاعلاميين في "
                    "المحافظة.",
                    "A coordination mechanism to facilitate the work and strengthen cooperation between the two "
                    "sides, making it easier for journalists and media professionals to work in the governorate.",
                ),
                "kind": Recommendation.Kind.MECHANISM,
                "theme": "media-work",
                "addressees": ["marib-police", "sada"],
                "updates": [
                    (D(2022, 11, 24), Status.ACCEPTED, 0,
                     ("خرج بها اللقاء واتفق عليها الطرفان.", "Agreed by both sides at the meeting."), None),
                ],
            },
        ],
    },
    {
        "key": "marib-security-csos-defenders",
        "title": (
            "اللقاء التشاوري الموسع بين الجهات الأمنية ومنظمات المجتمع المدني والمدافعين عن حقوق الإنسان في مأرب",
            "Expanded consultative meeting between the security agencies, civil-society organisations and "
            "human-rights defenders in Marib",
        ),
        "kind": Meeting.Kind.CONSULTATIVE,
        # The post is dated Saturday 26 November 2022 and says "yesterday, Saturday": Saturday is the 26th.
        "date": D(2022, 11, 26),
        "governorate": "marib",
        "project": "sanad",
        "status": Meeting.Status.PUBLISHED,
        "follows": "marib-security-media",
        # The sample gives no link to the original post.
        "source_url": "",
        "summary": (
            "لقاء تشاوري بين الجهات الأمنية ومنظمات المجتمع المدني والمدافعين عن حقوق الإنسان بمحافظة مأرب، "
            "نظمته منظمة مساءلة لحقوق الإنسان والمنظمة الوطنية للإعلاميين اليمنيين «صدى» ضمن مشروع ساند لتعزيز "
            "السلم المجتمعي، لبحث سبل تذليل الصعوبات والتحديات التي تواجه عمل المنظمات والمدافعين عن حقوق الإنسان "
            "في الميدان. خرج بتوصيات لتعزيز التنسيق والشراكة بين السلطة المحلية والأمنية والمنظمات الحقوقية، "
            "وتطوير قدرات المنظمات المحلية، والالتزام بالمهنية والشفافية في الرصد والتوثيق.",
            "A consultative meeting between the security agencies, civil-society organisations and human-rights "
            "defenders in Marib governorate, organised by Musa'ala Organization for Human Rights and the National "
            "Organization of Yemeni Media Professionals \"Sada\" under the Sanad project for strengthening "
            "community peace, to discuss how to overcome the difficulties and challenges organisations and "
            "human-rights defenders face in the field. It recommended stronger coordination and partnership "
            "between the local and security authorities and human-rights organisations, capacity building for "
            "local organisations, and professionalism and transparency in monitoring and documentation.",
        ),
        "minutes": (MARIB_MINUTES_AR, MARIB_MINUTES_EN),
        "stakeholder_groups": ["security-agencies", "civil-society", "human-rights-defenders", "local-authority"],
        "tags": ["مأرب", "مساءلة", "اليمن", "مشروع_ساند"],
        "organizations": [
            ("musaala", Role.ORGANISER),
            ("sada", Role.CO_ORGANISER),
            ("marib-police", Role.PARTNER),
            ("saferworld", Role.FUNDER),
            ("marib-office", Role.PARTICIPANT),
            ("marib-hr-office", Role.PARTICIPANT),
        ],
        "participations": [
            {
                "person": "halis",
                "position": "halis-information",
                "organization": "marib-office",
                "role": Speaker.SPEAKER,
                "statement": _officials_statement("مدير عام مكتب حقوق الإنسان", "Director-General of the Human Rights Office"),
            },
            {
                "person": "judai",
                "position": "judai-human-rights",
                "organization": "marib-hr-office",
                "role": Speaker.SPEAKER,
                "statement": _officials_statement(
                    "مدير عام المعلومات والإحصاء بديوان عام المحافظة",
                    "Director-General of Information and Statistics at the Governorate General Office",
                ),
            },
        ],
        "recommendations": [
            {
                "text": (
                    "تعزيز العلاقة والتنسيق بين السلطة المحلية والامنية ومنظمات المجتمع المدني الحقوقية من اجل "
                    "تفعيل دورها بشكل اكبر.",
                    "Strengthen the relationship and coordination between the local and security authorities and "
                    "human-rights civil-society organisations, so that these organisations can play a fuller role.",
                ),
                "theme": "coordination",
                "addressees": ["marib-office", "marib-police", "musaala"],
            },
            {
                "text": (
                    "تعزيز الشراكة الوطنية والخدمية والتنموية والحقوقية بين السلطة المحلية والامنية ومنظمات المجتمع "
                    "المدني الحقوقية.",
                    "Strengthen the national, public-service, development and human-rights partnership between the "
                    "local and security authorities and human-rights civil-society organisations.",
                ),
                "theme": "partnership",
                "addressees": ["marib-office", "marib-police", "musaala"],
            },
            {
                "text": (
                    "تطوير المنظمات المحلية الحقوقية لقدراتها واليات عملها.",
                    "Local human-rights organisations should develop their capacities and working methods.",
                ),
                "theme": "capacity-building",
                "addressees": ["musaala"],
            },
            {
                "text": (
                    "الالتزام بالمهنية في الرصد والتوثيق ونقل الحقائق كما هي.",
                    "Commit to professionalism in monitoring and documentation, and report the facts as they are.",
                ),
                "theme": "monitoring-documentation",
                "addressees": ["musaala", "sada"],
            },
            {
                "text": (
                    "الشفافية في الاداء والتقارير.",
                    "Be transparent in performance and in reporting.",
                ),
                "theme": "transparency",
                "addressees": ["musaala", "sada"],
            },
        ],
    },
    # --- Invented meetings ----------------------------------------------------------
    {
        "key": "taiz-defenders-workshop",
        "title": (
            "ورشة عمل حول آليات حماية المدافعين عن حقوق الإنسان في تعز",
            "Workshop on protection mechanisms for human-rights defenders in Taiz",
        ),
        "kind": Meeting.Kind.WORKSHOP,
        "date": D(2023, 2, 15),
        "start_time": datetime.time(9, 0),
        "end_time": datetime.time(13, 0),
        "governorate": "taiz",
        "city": ("مدينة تعز", "Taiz city"),
        "venue": ("قاعة الاجتماعات في مقر الشبكة", "The network's meeting hall"),
        "project": "bridges-of-trust",
        "status": Meeting.Status.PUBLISHED,
        "attendance": (32, 14, 18),
        "summary": (
            "ورشة عمل جمعت مدافعين ومدافعات عن حقوق الإنسان وممثلين عن السلطة المحلية لمناقشة المخاطر التي "
            "يتعرض لها الراصدون الميدانيون وآليات حمايتهم والإبلاغ الآمن عن التهديدات.",
            "A workshop that brought human-rights defenders together with representatives of the local authority "
            "to discuss the risks facing field monitors, how to protect them, and how threats can be reported "
            "safely.",
        ),
        "minutes": (
            "افتُتحت الورشة بعرض عن المخاطر التي يواجهها الراصدون الميدانيون، تلاه نقاش مفتوح حول قنوات الإبلاغ "
            "عن التهديدات وحماية البيانات، ثم صاغ المشاركون توصياتهم.",
            "The workshop opened with a presentation on the risks field monitors face, followed by an open "
            "discussion of channels for reporting threats and of data protection; the participants then drafted "
            "their recommendations.",
        ),
        "stakeholder_groups": ["human-rights-defenders", "civil-society", "local-authority", "womens-groups"],
        "tags": ["تعز", "حماية_المدافعين"],
        "organizations": [
            ("taiz-network", Role.ORGANISER),
            ("taiz-authority", Role.PARTNER),
            ("civil-society-fund", Role.FUNDER),
        ],
        "participations": [
            {
                "person": "salma",
                "position": "salma-monitoring",
                "organization": "taiz-network",
                "role": Speaker.SPEAKER,
                "statement": (
                    "عرضت أبرز المخاطر التي يواجهها الراصدون الميدانيون، من التهديد المباشر إلى حملات التشهير على "
                    "وسائل التواصل، ودعت إلى قناة آمنة وسرية للإبلاغ عن التهديدات.",
                    "She set out the main risks facing field monitors, from direct threats to smear campaigns on "
                    "social media, and called for a safe, confidential channel for reporting threats.",
                ),
            },
            {
                "person": "murad",
                "organization": "taiz-network",
                "role": Speaker.PARTICIPANT,
                "statement": (
                    "أشار إلى أن كثيراً من الانتهاكات لا يُبلَّغ عنها خوفاً من الانتقام.",
                    "He noted that many violations go unreported for fear of reprisals.",
                ),
            },
            {
                "organization": "taiz-authority",
                "role": Speaker.SPEAKER,
                "statement": (
                    "أكد ممثل السلطة المحلية استعدادها لدراسة إنشاء قناة إحالة بالتنسيق مع المنظمات الحقوقية.",
                    "The local authority's representative said it was ready to consider setting up a referral "
                    "channel in coordination with human-rights organisations.",
                ),
            },
        ],
        "recommendations": [
            {
                "text": (
                    "إنشاء قناة إحالة آمنة وسرية لتلقي البلاغات عن التهديدات التي يتعرض لها المدافعون عن حقوق "
                    "الإنسان ومتابعتها.",
                    "Set up a safe, confidential referral channel to receive and follow up reports of threats "
                    "against human-rights defenders.",
                ),
                "theme": "protection-of-defenders",
                "addressees": ["taiz-authority"],
                "priority": Recommendation.Priority.HIGH,
                "due_date": D(2023, 12, 31),
                "updates": [
                    (D(2023, 3, 10), Status.ACCEPTED, 0,
                     ("وافقت السلطة المحلية على التوصية في مراسلة رسمية.",
                      "The local authority accepted the recommendation in an official letter."), None),
                    (D(2023, 6, 20), Status.IN_PROGRESS, 40,
                     ("شُكّل فريق فني مشترك لإعداد إجراءات عمل القناة.",
                      "A joint technical team was formed to draft the channel's procedures."), None),
                    (D(2023, 10, 5), Status.PARTIAL, 70,
                     ("بدأت القناة العمل تجريبياً في مديريتين، ونوقش التقدم في جلسة المتابعة.",
                      "The channel started as a pilot in two districts; progress was discussed at the follow-up "
                      "session."), "taiz-follow-up"),
                ],
            },
            {
                "text": (
                    "تنظيم تدريب للراصدين الميدانيين على التوثيق الآمن وحماية البيانات.",
                    "Train field monitors in safe documentation and data protection.",
                ),
                "theme": "capacity-building",
                "addressees": ["taiz-network"],
                "due_date": D(2023, 9, 30),
                "updates": [
                    (D(2023, 5, 2), Status.IN_PROGRESS, 50,
                     ("نُفّذت الدورة الأولى لخمسة عشر راصداً وراصدة.",
                      "The first course was held for fifteen monitors, women and men."), None),
                    (D(2023, 8, 28), Status.IMPLEMENTED, 100,
                     ("اكتملت الدورة الثانية وتسلّم المشاركون دليل التوثيق الآمن.",
                      "The second course was completed and participants received the safe-documentation guide."),
                     None),
                ],
            },
            {
                "text": (
                    "عقد لقاء تنسيقي كل ثلاثة أشهر بين السلطة المحلية والمنظمات الحقوقية.",
                    "Hold a coordination meeting between the local authority and human-rights organisations every "
                    "three months.",
                ),
                "theme": "coordination",
                "addressees": ["taiz-authority", "taiz-network"],
                "priority": Recommendation.Priority.LOW,
                "updates": [
                    (D(2023, 4, 1), Status.ACCEPTED, 0,
                     ("اتفق الطرفان على جدول اللقاءات.", "Both sides agreed a schedule of meetings."), None),
                    (D(2024, 1, 15), Status.NOT_IMPLEMENTED, 25,
                     ("لم يُعقد سوى لقاء واحد خلال عام 2023 ولم يُحدَّد موعد اللقاء التالي.",
                      "Only one meeting was held in 2023, and no date has been set for the next."), None),
                ],
            },
        ],
    },
    {
        "key": "taiz-follow-up",
        "title": (
            "جلسة حوارية لمتابعة توصيات ورشة حماية المدافعين عن حقوق الإنسان في تعز",
            "Dialogue session following up the recommendations of the Taiz workshop on protecting human-rights "
            "defenders",
        ),
        "kind": Meeting.Kind.DIALOGUE,
        "date": D(2023, 10, 5),
        "governorate": "taiz",
        "city": ("مدينة تعز", "Taiz city"),
        "project": "bridges-of-trust",
        "status": Meeting.Status.PUBLISHED,
        "follows": "taiz-defenders-workshop",
        "attendance": (20, 9, 11),
        "summary": (
            "جلسة متابعة راجعت ما تحقق من توصيات ورشة فبراير 2023، وفي مقدمتها قناة الإحالة الآمنة للبلاغات.",
            "A follow-up session reviewing progress on the recommendations of the February 2023 workshop, above "
            "all the safe referral channel for reports.",
        ),
        "minutes": (
            "عرضت الشبكة تقريراً عن سير تنفيذ التوصيات، وناقش الحاضرون نتائج التجربة الأولى لقناة الإحالة.",
            "The network presented a report on progress with the recommendations, and those present discussed "
            "the first results of the referral channel's pilot.",
        ),
        "stakeholder_groups": ["human-rights-defenders", "local-authority"],
        "tags": ["تعز", "حماية_المدافعين"],
        "organizations": [("taiz-network", Role.ORGANISER), ("taiz-authority", Role.PARTICIPANT)],
        "participations": [
            {
                "person": "salma",
                "position": "salma-monitoring",
                "organization": "taiz-network",
                "role": Speaker.SPEAKER,
                "statement": (
                    "قدّمت تقريراً عن سير تنفيذ توصيات الورشة، وأشارت إلى تلقي القناة أول البلاغات.",
                    "She reported on progress with the workshop's recommendations and said the channel had received "
                    "its first reports.",
                ),
            },
            {
                "organization": "taiz-authority",
                "role": Speaker.SPEAKER,
                "statement": (
                    "أعلن ممثل السلطة المحلية نية توسيع القناة إلى بقية المديريات.",
                    "The local authority's representative announced plans to extend the channel to the remaining "
                    "districts.",
                ),
            },
        ],
        "recommendations": [
            {
                "text": (
                    "توسيع العمل بقناة الإحالة لتشمل جميع مديريات المحافظة.",
                    "Extend the referral channel to all of the governorate's districts.",
                ),
                "theme": "protection-of-defenders",
                "addressees": ["taiz-authority"],
                "priority": Recommendation.Priority.HIGH,
            },
        ],
    },
    {
        "key": "aden-women-dialogue",
        "title": (
            "جلسة حوارية حول دور المرأة في تعزيز السلم المجتمعي والأمن المحلي في عدن",
            "Dialogue session on women's role in strengthening community peace and local security in Aden",
        ),
        "kind": Meeting.Kind.DIALOGUE,
        "date": D(2023, 4, 18),
        "start_time": datetime.time(10, 0),
        "end_time": datetime.time(12, 30),
        "governorate": "aden",
        "city": ("مديرية خور مكسر", "Khor Maksar district"),
        "project": "bridges-of-trust",
        "status": Meeting.Status.PUBLISHED,
        "attendance": (40, 28, 12),
        "summary": (
            "جلسة حوارية بين ناشطات ومنظمات نسائية وممثلين عن إدارة الأمن حول دور المرأة في حل النزاعات المحلية "
            "وتسهيل وصول النساء إلى الشرطة.",
            "A dialogue between women activists, women's organisations and security representatives on women's "
            "role in resolving local disputes and on making it easier for women to reach the police.",
        ),
        "minutes": (
            "ناقشت الجلسة العوائق التي تحول دون إبلاغ النساء عن العنف، وتجارب الوساطة النسائية في الأحياء.",
            "The session discussed what keeps women from reporting violence, and women's experience of mediation "
            "in their neighbourhoods.",
        ),
        "stakeholder_groups": ["womens-groups", "security-agencies", "civil-society", "youth"],
        "tags": ["عدن", "السلم_المجتمعي"],
        "organizations": [
            ("aden-women", Role.ORGANISER),
            ("aden-security", Role.PARTNER),
            ("civil-society-fund", Role.FUNDER),
        ],
        "participations": [
            {
                "person": "huda",
                "organization": "aden-women",
                "role": Speaker.SPEAKER,
                "statement": (
                    "تحدثت عن العوائق التي تمنع النساء من اللجوء إلى أقسام الشرطة للإبلاغ عن العنف، وعن دور "
                    "النساء في الوساطة في النزاعات المحلية.",
                    "She spoke about the obstacles that keep women from going to police stations to report "
                    "violence, and about women's role in mediating local disputes.",
                ),
            },
            {
                "organization": "aden-security",
                "role": Speaker.SPEAKER,
                "statement": (
                    "أوضح ممثل إدارة الأمن أن الإدارة تعمل على تأهيل عناصر نسائية للعمل في أقسام الشرطة.",
                    "The security administration's representative said it was training women officers to work in "
                    "police stations.",
                ),
            },
        ],
        "recommendations": [
            {
                "text": (
                    "إنشاء مكاتب نسائية في أقسام الشرطة لاستقبال بلاغات النساء.",
                    "Set up women's desks in police stations to receive complaints from women.",
                ),
                "theme": "womens-participation",
                "addressees": ["aden-security"],
                "priority": Recommendation.Priority.HIGH,
                "due_date": D(2024, 4, 30),
                "updates": [
                    (D(2023, 6, 1), Status.ACCEPTED, 0,
                     ("رحّبت إدارة الأمن بالتوصية وأدرجتها في خطتها.",
                      "The security administration welcomed the recommendation and added it to its plan."), None),
                    (D(2023, 11, 20), Status.IN_PROGRESS, 35,
                     ("افتُتح مكتبان نسائيان في قسمين من أقسام الشرطة.",
                      "Two women's desks have opened, in two police stations."), None),
                ],
            },
            {
                "text": (
                    "إشراك النساء في لجان السلم المجتمعي على مستوى المديريات.",
                    "Include women in district community-peace committees.",
                ),
                "theme": "womens-participation",
                "addressees": ["aden-authority"],
            },
        ],
    },
    {
        "key": "hadramawt-detention-hearing",
        "title": (
            "جلسة استماع عامة حول أوضاع المحتجزين وضمانات المحاكمة العادلة في حضرموت",
            "Public hearing on the conditions of detainees and fair-trial guarantees in Hadramawt",
        ),
        "kind": Meeting.Kind.HEARING,
        "date": D(2023, 7, 9),
        "governorate": "hadramawt",
        "city": ("المكلا", "Mukalla"),
        "status": Meeting.Status.PUBLISHED,
        "attendance": (55, 19, 36),
        "summary": (
            "جلسة استماع عامة عرضت فيها منظمات حقوقية حالات موثقة تتعلق بأوضاع الاحتجاز، وردّ عليها ممثلو الجهات "
            "الأمنية ومكتب حقوق الإنسان.",
            "A public hearing at which human-rights organisations presented documented cases about conditions of "
            "detention, and representatives of the security agencies and the human rights office responded.",
        ),
        "minutes": (
            "استمعت الجلسة إلى عروض المنظمات وأسئلة الحاضرين، ثم إلى ردود الجهات الرسمية، واختُتمت بالتوصيات.",
            "The hearing heard the organisations' presentations and questions from the floor, then the official "
            "bodies' replies, and closed with the recommendations.",
        ),
        "stakeholder_groups": ["human-rights-defenders", "security-agencies", "civil-society", "community-leaders"],
        "tags": ["حضرموت", "اليمن"],
        "organizations": [
            ("hadramawt-foundation", Role.ORGANISER),
            ("hadramawt-hr-office", Role.PARTNER),
            ("hadramawt-security", Role.PARTICIPANT),
        ],
        "participations": [
            {
                "person": "najla",
                "organization": "hadramawt-foundation",
                "role": Speaker.SPEAKER,
                "statement": (
                    "عرضت حالات موثقة لتأخر عرض محتجزين على النيابة وصعوبة وصول المحامين إليهم.",
                    "She presented documented cases of detainees not brought promptly before the prosecution and of "
                    "lawyers struggling to reach them.",
                ),
            },
            {
                "organization": "hadramawt-security",
                "role": Speaker.SPEAKER,
                "statement": (
                    "أكد ممثل إدارة الأمن التزامها بالإجراءات القانونية واستعدادها لتلقي ملاحظات المنظمات.",
                    "The security administration's representative affirmed its commitment to legal procedures and "
                    "its readiness to receive the organisations' observations.",
                ),
            },
        ],
        "recommendations": [
            {
                "text": (
                    "السماح بزيارات دورية لمنظمات حقوق الإنسان إلى أماكن الاحتجاز الرسمية.",
                    "Allow human-rights organisations to make regular visits to official places of detention.",
                ),
                "theme": "detention",
                "addressees": ["hadramawt-security"],
                "priority": Recommendation.Priority.HIGH,
                "updates": [
                    (D(2023, 9, 14), Status.ACCEPTED, 0,
                     ("وافقت إدارة الأمن على الزيارات بالتنسيق مع مكتب حقوق الإنسان.",
                      "The security administration agreed to the visits, to be coordinated with the human rights "
                      "office."), None),
                    (D(2024, 2, 10), Status.PARTIAL, 50,
                     ("زار فريق المنظمات مركزين من أصل أربعة مراكز احتجاز.",
                      "The organisations' team has visited two of the four detention centres."), None),
                ],
            },
            {
                "text": (
                    "عرض المحتجزين على النيابة خلال المدة القانونية وإبلاغ أسرهم بأماكن احتجازهم.",
                    "Bring detainees before the prosecution within the legal time limit and tell their families where "
                    "they are held.",
                ),
                "theme": "detention",
                "addressees": ["hadramawt-security", "hadramawt-hr-office"],
                "priority": Recommendation.Priority.HIGH,
                "updates": [
                    (D(2023, 10, 1), Status.IN_PROGRESS, 20,
                     ("بدأ مكتب حقوق الإنسان متابعة قوائم المحتجزين مع النيابة.",
                      "The human rights office has started reviewing lists of detainees with the prosecution."),
                     None),
                ],
            },
            {
                "text": (
                    "تلتزم المنظمات المشاركة بإصدار تقرير مشترك عن أوضاع الاحتجاز كل ستة أشهر.",
                    "The participating organisations commit to publishing a joint report on conditions of "
                    "detention every six months.",
                ),
                "kind": Recommendation.Kind.COMMITMENT,
                "theme": "monitoring-documentation",
                "addressees": ["hadramawt-foundation"],
                "updates": [
                    (D(2024, 1, 20), Status.IMPLEMENTED, 100,
                     ("صدر التقرير المشترك الأول.", "The first joint report has been published."), None),
                ],
            },
        ],
    },
    {
        "key": "khawkhah-mines-consultation",
        "title": (
            "لقاء تشاوري حول حماية المدنيين من الألغام ومخلفات الحرب في الخوخة",
            "Consultative meeting on protecting civilians from landmines and explosive remnants of war in "
            "Al-Khawkhah",
        ),
        "kind": Meeting.Kind.CONSULTATIVE,
        "date": D(2024, 2, 27),
        "governorate": "al-hudaydah",
        "city": ("الخوخة", "Al-Khawkhah"),
        # Waiting for an editor's review: not public yet.
        "status": Meeting.Status.REVIEW,
        "attendance": (26, 6, 20),
        "summary": (
            "لقاء تشاوري بين الشباب والوجهاء والسلطة المحلية حول المخاطر التي تشكلها الألغام ومخلفات الحرب على "
            "المدنيين وسبل الحد منها.",
            "A consultation between young people, community leaders and the local authority on the danger that "
            "landmines and explosive remnants of war pose to civilians, and how to reduce it.",
        ),
        "minutes": (
            "عرض الملتقى نتائج مسح أولي، وناقش الحاضرون أولويات التوعية ووضع العلامات التحذيرية.",
            "The forum presented the results of an initial survey, and those present discussed priorities for "
            "awareness-raising and warning signs.",
        ),
        "stakeholder_groups": ["youth", "community-leaders", "local-authority", "civil-society"],
        "tags": ["اليمن", "السلم_المجتمعي"],
        "organizations": [("tihama-youth", Role.ORGANISER), ("khawkhah-authority", Role.PARTICIPANT)],
        "participations": [
            {
                "person": "fares",
                "organization": "tihama-youth",
                "role": Speaker.SPEAKER,
                "statement": (
                    "عرض نتائج مسح أولي للمناطق التي أبلغ السكان عن وجود ألغام فيها.",
                    "He presented the results of an initial survey of areas where residents have reported "
                    "landmines.",
                ),
            },
        ],
        "recommendations": [
            {
                "text": (
                    "وضع علامات تحذيرية حول المناطق المشتبه بتلوثها بالألغام.",
                    "Put warning signs around areas suspected of landmine contamination.",
                ),
                "theme": "mine-action",
                "addressees": ["khawkhah-authority"],
                "priority": Recommendation.Priority.HIGH,
            },
            {
                "text": (
                    "تنفيذ حملات توعية بمخاطر الألغام في المدارس.",
                    "Run mine-risk awareness campaigns in schools.",
                ),
                "theme": "mine-action",
                "addressees": ["tihama-youth"],
            },
        ],
    },
    {
        "key": "shabwah-documentation-training",
        "title": (
            "دورة تدريبية لمنظمات المجتمع المدني حول التوثيق المهني لانتهاكات حقوق الإنسان في شبوة",
            "Training course for civil-society organisations on professional documentation of human-rights "
            "violations in Shabwah",
        ),
        "kind": Meeting.Kind.TRAINING,
        "date": D(2024, 5, 12),
        "governorate": "shabwah",
        "city": ("عتق", "Ataq"),
        # Still being written up: a draft.
        "status": Meeting.Status.DRAFT,
        "summary": (
            "دورة تدريبية لممثلي منظمات محلية حول منهجيات التوثيق المهني وحفظ الأدلة.",
            "A training course for representatives of local organisations on professional documentation methods "
            "and on preserving evidence.",
        ),
        "minutes": ("", ""),
        "stakeholder_groups": ["civil-society", "human-rights-defenders"],
        "tags": [],
        "organizations": [("shabwah-association", Role.ORGANISER)],
        "participations": [
            {"person": "amal", "organization": "shabwah-association", "role": Speaker.MODERATOR, "statement": ("", "")},
        ],
        "recommendations": [
            {
                "text": (
                    "اعتماد نموذج موحد لتوثيق الانتهاكات بين المنظمات المشاركة.",
                    "Adopt a shared template for documenting violations among the participating organisations.",
                ),
                "kind": Recommendation.Kind.COMMITMENT,
                "theme": "monitoring-documentation",
                "addressees": ["shabwah-association"],
            },
        ],
    },
    {
        "key": "sanaa-journalists-safety",
        "title": (
            "جلسة حوارية حول السلامة المهنية للصحفيين",
            "Dialogue session on journalists' professional safety",
        ),
        "kind": Meeting.Kind.DIALOGUE,
        "date": D(2021, 12, 8),
        "governorate": "amanat-al-asimah",
        # Published once, then withdrawn from the public site.
        "status": Meeting.Status.ARCHIVED,
        "attendance": (18, 5, 13),
        "summary": (
            "جلسة حوارية بين صحفيين وصحفيات حول المخاطر المهنية والرقمية التي يواجهونها.",
            "A dialogue among journalists, women and men, on the professional and digital risks they face.",
        ),
        "minutes": ("", ""),
        "stakeholder_groups": ["media"],
        "tags": [],
        "organizations": [("independent-media-forum", Role.ORGANISER)],
        "participations": [
            {"person": "yasser", "organization": "independent-media-forum", "role": Speaker.PARTICIPANT,
             "statement": ("", "")},
        ],
        "recommendations": [
            {
                "text": (
                    "توفير تدريب على السلامة الرقمية والجسدية للصحفيين.",
                    "Provide digital and physical safety training for journalists.",
                ),
                "theme": "media-work",
                "addressees": ["independent-media-forum"],
                "updates": [
                    (D(2022, 3, 1), Status.IN_PROGRESS, 30,
                     ("نُفّذت ورشة أولى عن السلامة الرقمية.", "A first workshop on digital safety was held."), None),
                ],
            },
        ],
    },
]

INVENTED_MEETINGS = {m["key"] for m in MEETINGS} - {"marib-security-media", "marib-security-csos-defenders"}


def slug_for(text):
    """The slug the models would give ``text`` when no other row has it (see ``unique_slug``)."""
    return slugify(text, allow_unicode=True)[:SLUG_MAX_LENGTH].strip("-")


def meeting_slug(data):
    return slug_for(f"{data['date'].isoformat()} {data['title'][0]}")


# --- The loader -----------------------------------------------------------------------


class _Loader:
    """Writes rows only when they differ from the data, and counts what it did."""

    def __init__(self, report):
        self.report = report or (lambda message: None)
        self.seen = defaultdict(set)
        self.created = defaultdict(set)
        self.changed = defaultdict(set)
        self.deleted = defaultdict(int)

    # Bookkeeping

    def _note(self, obj, *, created=False, changed=False):
        label = obj._meta.label
        self.seen[label].add(obj.pk)
        if created:
            self.created[label].add(obj.pk)
        elif changed:
            self.changed[label].add(obj.pk)

    def counts(self):
        labels = sorted(set(self.seen) | set(self.deleted))
        return {
            label: {
                "created": len(self.created[label]),
                "updated": len(self.changed[label] - self.created[label]),
                "unchanged": len(self.seen[label] - self.changed[label] - self.created[label]),
                "deleted": self.deleted[label],
            }
            for label in labels
        }

    # Writing

    @staticmethod
    def _differs(obj, name, value):
        field = obj._meta.get_field(name)
        if field.many_to_one:
            return getattr(obj, field.attname) != (value.pk if value is not None else None)
        return getattr(obj, name) != value

    def upsert(self, model, lookup, values):
        """``update_or_create`` that saves (after ``full_clean``) only when something differs."""
        obj = model._default_manager.filter(**lookup).first()
        created = obj is None
        if created:
            obj = model(**lookup)
        changed = [name for name, value in values.items() if self._differs(obj, name, value)]
        for name in changed:
            setattr(obj, name, values[name])
        if created or changed:
            obj.full_clean()
            obj.save()
        self._note(obj, created=created, changed=bool(changed))
        return obj

    def set_related(self, obj, name, related):
        """``.set()`` a many-to-many field, counting the owner as changed if it moved."""
        manager = getattr(obj, name)
        wanted = {item.pk for item in related}
        if set(manager.values_list("pk", flat=True)) != wanted:
            manager.set(related)
            self._note(obj, changed=True)

    def delete_others(self, queryset, keep):
        """Delete rows of a demo record that the data no longer lists (one by one: model delete() runs)."""
        for obj in queryset.exclude(pk__in=keep):
            self.deleted[obj._meta.label] += 1
            obj.delete()

    # The domain

    def load(self):
        governorates = {g.slug: g for g in Governorate.objects.all()}
        groups = {g.slug: g for g in StakeholderGroup.objects.all()}
        themes = {
            slug: self.upsert(Theme, {"slug": slug}, {"name_ar": ar, "name_en": en}) for slug, ar, en in THEMES
        }
        tags = {ar: self.upsert(Tag, {"slug": slug_for(ar)}, {"name_ar": ar, "name_en": en}) for ar, en in TAGS}
        organizations = {
            key: self.upsert(
                Organization,
                {"slug": slug_for(name_ar)},
                {
                    "name_ar": name_ar,
                    "name_en": name_en,
                    "acronym_ar": acronym[0],
                    "acronym_en": acronym[1] or None,
                    "kind": kind,
                    "governorate": governorates[governorate] if governorate else None,
                    "description_ar": description[0],
                    "description_en": description[1] or None,
                },
            )
            for key, (name_ar, name_en, acronym, kind, governorate, description) in ORGANIZATIONS.items()
        }
        people = {
            key: self.upsert(
                Person,
                {"name_ar": name_ar},
                {
                    "name_en": name_en,
                    "visibility": Person.Visibility.PUBLIC if public else Person.Visibility.PROTECTED,
                    "gender": gender,
                    "notes": notes,
                },
            )
            for key, (name_ar, name_en, public, gender, notes) in PEOPLE.items()
        }
        positions = {
            key: self.upsert(
                Position,
                {"person": people[person], "title_ar": title_ar},
                {
                    "title_en": title_en,
                    "organization": organizations[organization],
                    "start_date": start,
                    "end_date": end,
                },
            )
            for key, (person, title_ar, title_en, organization, start, end) in POSITIONS.items()
        }
        projects = {}
        for key, data in PROJECTS.items():
            project = self.upsert(
                Project,
                {"slug": slug_for(data["name"][0])},
                {
                    "name_ar": data["name"][0],
                    "name_en": data["name"][1],
                    "description_ar": data["description"][0],
                    "description_en": data["description"][1],
                    "start_date": data.get("start_date"),
                    "end_date": data.get("end_date"),
                },
            )
            self.set_related(project, "implementers", [organizations[k] for k in data["implementers"]])
            self.set_related(project, "donors", [organizations[k] for k in data["donors"]])
            projects[key] = project

        meetings = {}
        for data in MEETINGS:
            meeting = self._meeting(data, governorates, projects, meetings)
            self.set_related(meeting, "stakeholder_groups", [groups[slug] for slug in data["stakeholder_groups"]])
            self.set_related(meeting, "tags", [tags[name] for name in data["tags"]])
            self._involvements(meeting, data, organizations)
            self._participations(meeting, data, people, positions, organizations)
            meetings[data["key"]] = meeting
            self.report(f"{meeting.date} {meeting.get_status_display()}: {meeting.title}")
        # Recommendations last: a follow-up update may point at a later meeting.
        for data in MEETINGS:
            self._recommendations(meetings[data["key"]], data, themes, organizations, meetings)
        return self.counts()

    def _meeting(self, data, governorates, projects, meetings):
        attendance = data.get("attendance", (None, None, None))
        city, venue = data.get("city", ("", "")), data.get("venue", ("", ""))
        minutes = data["minutes"]
        if data["key"] in INVENTED_MEETINGS:
            minutes = tuple(text + note if text else "" for text, note in zip(minutes, DEMO_MINUTES_NOTE))
        meeting = self.upsert(
            Meeting,
            {"slug": meeting_slug(data)},
            {
                "title_ar": data["title"][0],
                "title_en": data["title"][1],
                "kind": data["kind"],
                "date": data["date"],
                "start_time": data.get("start_time"),
                "end_time": data.get("end_time"),
                "governorate": governorates[data["governorate"]],
                "city_ar": city[0],
                "city_en": city[1] or None,
                "venue_ar": venue[0],
                "venue_en": venue[1] or None,
                "project": projects[data["project"]] if data.get("project") else None,
                "summary_ar": data["summary"][0],
                "summary_en": data["summary"][1],
                "minutes_ar": minutes[0],
                "minutes_en": minutes[1] or None,
                "attendance_total": attendance[0],
                "attendance_women": attendance[1],
                "attendance_men": attendance[2],
                "follows": meetings[data["follows"]] if data.get("follows") else None,
                "source_url": data.get("source_url", ""),
            },
        )
        self._set_status(meeting, data["status"])
        return meeting

    def _set_status(self, meeting, status):
        """Move the meeting to ``status`` the way an editor would; nothing if it is there already."""
        if meeting.status == status:
            return
        if status in (Meeting.Status.PUBLISHED, Meeting.Status.ARCHIVED):
            meeting.publish()
            if status == Meeting.Status.ARCHIVED:
                meeting.status = status
                meeting.save(update_fields=["status", "updated_at"])
        else:
            meeting.status, meeting.published_at = status, None
            meeting.save(update_fields=["status", "published_at", "updated_at"])
        self._note(meeting, changed=True)

    def _involvements(self, meeting, data, organizations):
        keep = [
            self.upsert(
                MeetingOrganization,
                {"meeting": meeting, "organization": organizations[key], "role": role},
                {"order": order},
            ).pk
            for order, (key, role) in enumerate(data["organizations"], start=1)
        ]
        self.delete_others(meeting.involvements.all(), keep)

    def _participations(self, meeting, data, people, positions, organizations):
        keep = []
        for order, item in enumerate(data["participations"], start=1):
            statement = item.get("statement", ("", ""))
            keep.append(
                self.upsert(
                    Participation,
                    {"meeting": meeting, "order": order},
                    {
                        "person": people[item["person"]] if item.get("person") else None,
                        "position": positions[item["position"]] if item.get("position") else None,
                        "organization": organizations[item["organization"]] if item.get("organization") else None,
                        "role": item["role"],
                        "statement_ar": statement[0],
                        "statement_en": statement[1] or None,
                    },
                ).pk
            )
        self.delete_others(meeting.participations.all(), keep)

    def _recommendations(self, meeting, data, themes, organizations, meetings):
        keep = []
        for order, item in enumerate(data["recommendations"], start=1):
            recommendation = self.upsert(
                Recommendation,
                {"meeting": meeting, "order": order},
                {
                    "text_ar": item["text"][0],
                    "text_en": item["text"][1],
                    "kind": item.get("kind", Recommendation.Kind.RECOMMENDATION),
                    "theme": themes[item["theme"]],
                    "priority": item.get("priority", Recommendation.Priority.MEDIUM),
                    "due_date": item.get("due_date"),
                },
            )
            self.set_related(recommendation, "addressees", [organizations[key] for key in item["addressees"]])
            self._timeline(recommendation, item.get("updates", []), meetings)
            keep.append(recommendation.pk)
        self.delete_others(meeting.recommendations.all(), keep)

    def _timeline(self, recommendation, updates, meetings):
        """Record each follow-up once, through ``set_status``; an entry is its (date, status)."""
        wanted = {(day, status) for day, status, *_ in updates}
        stale = [u.pk for u in recommendation.updates.all() if (u.date, u.status) not in wanted]
        self.delete_others(recommendation.updates.filter(pk__in=stale), keep=[])
        for day, status, progress, (note_ar, note_en), meeting_key in sorted(updates, key=lambda u: u[0]):
            follow_up = meetings[meeting_key] if meeting_key else None
            existing = recommendation.updates.filter(date=day, status=status).first()
            if existing is None:
                update = recommendation.set_status(
                    status, progress=progress, note=note_ar, note_en=note_en, on=day, meeting=follow_up
                )
                self._note(update, created=True)
            else:
                self.upsert(
                    RecommendationUpdate,
                    {"pk": existing.pk},
                    {"progress": progress, "note_ar": note_ar, "note_en": note_en, "meeting": follow_up},
                )
        if updates:
            # set_status() moved status and progress; refresh so the caller sees the timeline's result.
            recommendation.refresh_from_db(fields=["status", "progress"])


def load_demo(*, report=None):
    """Load (or refresh) the demo data; return, per model label, how many rows were
    created, updated, left unchanged and deleted. Running it twice changes nothing."""
    # Arabic is active so that the untranslated base columns hold Arabic whatever
    # language the caller had, and the rows come out identical on every run.
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        return _Loader(report).load()
