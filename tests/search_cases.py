"""The shared search test set: what a query must find and what it must not.

Plain data, so every search implementation runs the same cases: the pure-Python
reference (search.normalization.matches, tests/test_normalization.py) and the
PostgreSQL and SQLite backends. Each case is (query, text, reason); in MUST_MATCH a
search for the query must find a record holding the text, in MUST_NOT_MATCH it must
not. Each text is self-contained: it holds no other word the query could match.
"""

MUST_MATCH = [
    # Hamza on alef written or not, as in the Marib sample.
    ("حقوق الانسان", "المدافعين عن حقوق الإنسان في مأرب", "alef: query without hamza finds إ"),
    ("حقوق الإنسان", "نظمت منظمة مساءلة لحقوق الانسان", "alef: query with hamza finds ا (sample), ل attached"),
    ("أكد", "وفي بداية اللقاء اكد مدير عام المعلومات", "alef: sample writes اكد for أكد"),
    ("اكد", "أكد المدير على أهمية التنسيق", "alef: hamza-less query finds أكد"),
    ("أشاد", "واشاد حليس وجديع بالادوار الوطنية", "alef: sample writes و + اشاد"),
    ("اشاد", "أشاد المشاركون بجهود المنظمات", "alef: hamza-less query finds أشاد"),
    ("الأمنية", "السلطة المحلية والامنية", "alef: وال + امنية without hamza (sample)"),
    ("مارب", "لقاء تشاوري في مأرب", "alef: hamza on alef inside the word"),
    ("آلية", "على اهمية تعزيز الية التنسيق", "alef: madda written as bare alef"),
    ("آليات", "لقدراتها واليات عملها", "alef: sample writes و + اليات for آليات"),
    ("إلى", "الى جانب ما لعبته المنظمات", "alef: hamza below and ى/ي together"),
    ("السلم", "تعزيز ٱلسلم المجتمعي", "alef: alef wasla"),
    ("الاعلاميين", "المنظمة الوطنية للإعلاميين اليمنيين", "alef: لل + إعلاميين (sample)"),
    ("الأداء", "والشفافية في الاداء والتقارير", "alef: the sample's الاداء"),
    ("الرأي العام", "وكشفها للراي العام الاقليمي", "alef: لل + راي for الرأي (sample)"),
    # Taa marbuta and ha.
    ("منظمة", "جهود منظمه صدى", "taa marbuta: ة finds ه"),
    ("منظمه", "بيان منظمة مساءلة", "taa marbuta: ه finds ة"),
    ("محافظه مأرب", "بمحافظة مأرب", "taa marbuta: with ب attached and hamza on alef"),
    # Alef maqsura, Persian yeh and kaf.
    ("صدي", 'المنظمة الوطنية للإعلاميين اليمنيين "صدى"', "yeh: ي finds ى"),
    ("مستشفى", "زيارة مستشفي المدينة", "yeh: ى finds ي"),
    ("المدني", "منظمات المجتمع المدنی", "yeh: Persian ی"),
    ("كهرباء", "انقطاع الکهرباء عن المدينة", "kaf: Persian ک with the article"),
    # Hamza on a seat.
    ("مسؤول", "مسئول الملف في المحافظة", "hamza: ؤ finds ئ"),
    ("مسئول", "المسؤول عن الملف", "hamza: ئ finds ؤ"),
    ("شؤون", "مكتب الشئون الاجتماعية", "hamza: ؤ finds ئ after the article"),
    ("مسائلة", "منظمة مساءلة", "hamza: ئ finds ء on the line"),
    ("المسؤولية", "تحمل المسءولية", "hamza: ؤ finds ء"),
    ("مسؤول", "مسو\u0654ول الملف", "hamza: a separate hamza mark on waw is ؤ"),
    ("أكد", "ا\u0654كد المدير", "hamza: a separate hamza mark on alef is أ"),
    # Digits.
    ("٢٠٢٢", "السبت 26 نوفمبر 2022", "digits: Arabic-Indic query finds Western"),
    ("2022", "السبت ٢٦ نوفمبر ٢٠٢٢", "digits: Western query finds Arabic-Indic"),
    ("۲۰۲۲", "السبت 26 نوفمبر 2022", "digits: Persian query finds Western"),
    ("26 نوفمبر", "السبت ٢٦ نوفمبر", "digits: number and word together"),
    ("2022", "عام ٢٠٢٢م", "digits: a number written against a letter"),
    # Harakat, superscript alef, Quranic marks.
    ("الانسان", "حقوقُ الإنسانِ", "harakat: in the text"),
    ("مُنَظَّمَة", "منظمة مساءلة", "harakat: in the query"),
    ("تشاوري", "لقاءً تشاوريٌّ موسع", "harakat: tanween and shadda"),
    ("هذا", "هٰذا اللقاء", "harakat: superscript alef"),
    ("عليهم", "عَلَيۡهِمۡ", "quranic: small high sukun U+06E1"),
    ("الرحمن", "ٱلرَّحْمَٰنِ", "quranic: alef wasla, shadda and superscript alef"),
    ("الرحيم", "ٱلرَّحِيمِ ۝١", "quranic: end-of-ayah sign"),
    # Tatweel.
    ("حقوق", "حقـــوق الإنسان", "tatweel: inside a word"),
    ("مأرب", "مـأرب", "tatweel: after the first letter"),
    # NFKC: presentation forms, ligatures, fullwidth.
    ("لا تهاون", "ﻻ تهاون", "nfkc: lam-alef ligature"),
    ("الأمنية", "ﺍﻷﻣﻨﻴﺔ", "nfkc: presentation forms with lam-alef-hamza ligature"),
    ("مأرب", "ﻣﺄﺭﺏ", "nfkc: presentation forms"),
    ("الله", "ﷲ", "nfkc: the Allah ligature"),
    ("saferworld", "Ｓａｆｅｒｗｏｒｌｄ", "nfkc: fullwidth Latin"),
    ("office", "the oﬃce", "nfkc: ffi ligature"),
    # Invisible and direction-control characters.
    ("حقوق", "حق\u200cوق الإنسان", "invisible: ZWNJ inside a word"),
    ("الإنسان", "الإن\u200dسان", "invisible: ZWJ inside a word"),
    ("مأرب", "\u200fمأرب\u200f", "invisible: RLM around a word"),
    ("2022", "نوفمبر \u061c2022", "invisible: Arabic letter mark"),
    ("Saferworld", "\u202bSaferworld\u202c", "invisible: RLE ... PDF"),
    ("مشروع", "\u2067مشروع\u2069 ساند", "invisible: RLI ... PDI"),
    ("ساند", "سا\u00adند", "invisible: soft hyphen"),
    ("صدى", "\ufeffصدى", "invisible: byte order mark"),
    # Attached conjunctions and prepositions.
    ("وزير", "ووزير الداخلية", "prefix و"),
    ("صدى", "منظمتي مساءلة وصدى", "prefix و before a three-letter word (sample)"),
    ("وزير", "فوزير الداخلية قال", "prefix ف"),
    ("محافظة", "بمحافظة مأرب", "prefix ب"),
    ("دعم", "وبدعم من منظمة سيفيرورلد", "prefix و + ب (sample)"),
    ("شريك", "باعتبارها كشريك أساسي", "prefix ك"),
    ("بحث", "لبحث سبل تذليل الصعوبات", "prefix ل before a three-letter word (sample)"),
    ("خدمة المجتمع", "لخدمة المجتمع", "prefix ل (sample)"),
    ("لقاء", "للقاء تشاوري موسع", "prefix ل before لقاء, not لل + قاء (sample)"),
    ("لجنة", "وللجنة الوطنية دور", "prefix و + ل before a protected word"),
    # The article and its combined forms.
    ("وزير", "قال الوزير", "article ال"),
    ("وزير", "والوزير", "article وال"),
    ("وزير", "بالوزير", "article بال"),
    ("وزير", "كالوزير", "article كال"),
    ("وزير", "فالوزير", "article فال"),
    ("وزير", "للوزير", "article لل"),
    ("تعاون", "بالتعاون مع شرطة محافظة مأرب", "article بال (sample)"),
    ("المنظمات", "كالمنظمات المحلية", "article كال, query with the article"),
    ("المدافعين", "فالمدافعين عن حقوق الإنسان", "article فال, query with the article"),
    ("التعاون", "وبالتعاون مع الشرطة", "article: و + بال"),
    ("الوزير", "وزير الداخلية", "article in the query finds the bare word"),
    ("والوزير", "وزير الداخلية", "article and و in the query find the bare word"),
    ("بالتعاون", "التعاون بين الطرفين", "article and ب in the query find the article form"),
    ("كامل", "بالكامل", "article: بال before a protected word"),
    ("الكامل", "كامل", "article: query with ال finds a protected word"),
    # Hashtags.
    ("مشروع ساند", "#مشروع_ساند", "hashtag: text hashtag found by its words"),
    ("ساند", "#مشروع_ساند", "hashtag: one word of a hashtag"),
    ("#مأرب", "لقاء في مأرب", "hashtag: query hashtag finds the word"),
    ("#مشروع_ساند", "مشروع ساند لتعزيز السلم", "hashtag: query hashtag finds the words"),
    # Latin case and accents.
    ("saferworld", "بدعم من منظمة سيفيرورلد Saferworld", "latin: lower case finds capitalised (sample)"),
    ("SAFERWORLD", "saferworld", "latin: upper case finds lower"),
    ("resume", "résumé", "latin: accents in the text"),
    ("Résumé", "RESUME", "latin: accents in the query"),
    ("naive", "naïve", "latin: diaeresis"),
    ("strasse", "Straße", "latin: sharp s casefolds to ss"),
    ("sao paulo", "São Paulo", "latin: tilde"),
    # Stray punctuation and search operators are plain separators.
    ('"حقوق الإنسان"', "عن حقوق الإنسان في مأرب", "operators: double quotes"),
    ("حقوق-الانسان", "حقوق الإنسان", "operators: hyphen between words"),
    ("saferworld*", "Saferworld", "operators: FTS prefix star"),
    ("(مأرب)", "في مأرب", "operators: parentheses"),
    ("مأرب:", "في مأرب", "operators: column filter colon"),
    ("^مأرب", "في مأرب", "operators: FTS5 initial-token caret"),
    ("-مأرب", "في مأرب", "operators: minus sign"),
    ("حقوق AND الانسان", "حقوق الإنسان", "operators: AND is dropped"),
    ("NOT Saferworld", "Saferworld", "operators: NOT is dropped, not applied"),
    ("NEAR(مأرب السلم)", "السلم في مأرب", "operators: NEAR group is plain words"),
    ("مأرب OR صنعاء", "مأرب وصنعاء", "operators: OR is dropped"),
    ("حقوق و الانسان", "حقوق الإنسان", "detached: a detached و is ignored"),
    # Several words from the sample at once.
    ("اللقاء التشاوري الموسع", "انعقاد اللقاء التشاوري الموسع بين الجهات الأمنية", "sample: headline words"),
    ("والمدافعين عن حقوق الانسان", "المدافعين عن حقوق الإنسان", "sample: clitic, article and hamza together"),
    ("المُدافِعين", "والمدافعين عن حقوق الإنسان", "sample: harakat in the query, وال in the text"),
]

MUST_NOT_MATCH = [
    # Letters that look like clitics but belong to the word.
    ("زير", "وزير الداخلية", "clitic: وزير is not و + زير"),
    ("زير", "قال الوزير", "clitic: الوزير is not ال + و + زير"),
    ("زير", "والوزير", "clitic: والوزير is not وال + و + زير"),
    ("امل", "بشكل كامل", "clitic: كامل is not ك + امل"),
    ("جنة", "للجنة الوطنية", "clitic: للجنة is ل + لجنة, not لل + جنة"),
    ("مال", "كمال", "clitic: كمال is not ك + مال"),
    ("تاب", "كتاب التوصيات", "clitic: كتاب is not ك + تاب"),
    ("ساد", "مكافحة فساد", "clitic: فساد is not ف + ساد"),
    ("إلى", "والي المحافظة", "clitic: والي (governor) is not و + إلى"),
    ("آية", "ولاية", "clitic: ولاية is not و + ل + آية"),
    ("طاقة", "بطاقة هوية", "clitic: بطاقة is not ب + طاقة"),
    ("الرقة", "ورقة عمل", "clitic: ورقة is not و + رقة"),
    # Prefix pieces alone and remainders that are too short.
    ("بال", "بالوزير", "prefix: بال alone is not a word of بالوزير"),
    ("بال", "بالتعاون مع الشرطة", "prefix: بال alone"),
    ("ال", "الوزير", "prefix: the article alone"),
    ("حث", "لبحث سبل تذليل الصعوبات", "short: بحث is not ب + حث"),
    ("عض", "بعض المنظمات", "short: بعض is not ب + عض"),
    # No substring, prefix or suffix matching.
    ("سلم", "مسلم", "whole words: سلم inside مسلم"),
    ("سان", "حقوق الإنسان", "whole words: سان inside الإنسان"),
    ("دوار", "بالأدوار الوطنية", "whole words: أ is not a clitic"),
    ("ند", "مشروع ساند", "whole words: short word inside another"),
    ("safer", "Saferworld", "whole words: no Latin prefix match"),
    ("202", "السبت 26 نوفمبر 2022", "whole words: no prefix match on numbers"),
    ("٢٠٢٣", "نوفمبر 2022", "digits: a different year"),
    # Letters that stay distinct.
    ("مسألة", "منظمة مساءلة", "hamza: ء on the line is not alef (مسألة is not مساءلة)"),
    ("خرب", "حرب", "letters: dots matter"),
    # Every query word must be found.
    ("حقوق المرأة", "حقوق الإنسان", "all words: the second word is missing"),
    ("Saferworld Oxfam", "بدعم من Saferworld", "all words: a Latin word is missing"),
    # Nothing searchable in the query.
    ("", "حقوق الإنسان", "empty: blank query"),
    ("   ", "حقوق الإنسان", "empty: whitespace only"),
    ("ُ ّ ً", "حقوق الإنسان", "empty: diacritics only"),
    ('"() * : ^ -', "حقوق الإنسان", "empty: operators and punctuation only"),
    ("OR", "Saferworld OR Oxfam", "empty: an operator word alone"),
    ("و", "و المنظمة الوطنية", "empty: a detached clitic alone"),
]
