"""Demo content for ``seed_demo``: a fictional association, written for this project.

The topics follow the study circle as associations run it; the names and email addresses
are invented (example.org is reserved for examples).
"""

ORGANISATION = {"slug": "bjorkdalen", "name": "Kvinnojouren Björkdalen"}
SITE_NAME = "Kvinnojouren Björkdalen – utbildning"
DEMO_PASSWORD = "jourdemo-2026"  # noqa: S105 - a published demo login

HOME = {
    "title": "Utbildning och kompetens i Kvinnojouren Björkdalen",
    "introduction": (
        "<p>Här finns föreningens studiecirkel för nya jourkvinnor och vår fortbildning. "
        "Som deltagare läser du materialet inför varje träff; som samordnare och styrelse "
        "håller du ordning på vem som har gått utbildningen.</p>"
    ),
    "join_text": (
        "<p>Alla som vill bli aktiva i jouren börjar med vår studiecirkel: åtta träffar om "
        "jourens arbete, våld och stödsamtal. Du behöver inga förkunskaper, bara engagemang.</p>"
    ),
}

COURSE_INDEX = {
    "title": "Utbildningar",
    "slug": "utbildningar",
    "introduction": "<p>Föreningens grundutbildning och fortbildning för aktiva.</p>",
}

BASIC_COURSE = {
    "title": "Studiecirkel för nya jourkvinnor",
    "slug": "studiecirkel",
    "kind": "basic",
    "introduction": (
        "<p>Studiecirkeln är grundutbildningen för alla som vill bli jourkvinnor hos oss. "
        "Under åtta träffar om två och en halv timme lär vi oss om föreningens arbete, om "
        "våldets uttryck och konsekvenser och om hur vi ger stöd i samtal. Cirkeln leds av "
        "en erfaren cirkelledare och genomförs tillsammans med ett studieförbund.</p>"
        "<p>För att bli aktiv jourkvinna behöver du ha deltagit i alla åtta träffar. Missar "
        "du en träff tar du igen den, antingen med cirkelledaren eller vid samma träff i "
        "nästa cirkel.</p>"
    ),
    "how_to_join": (
        "<p>Skicka ett mejl till föreningen och berätta kort om dig själv. Vi bjuder in till "
        "ett samtal innan cirkeln börjar. Nästa cirkel startar i början av terminen.</p>"
    ),
}

BASIC_UNITS = [
    {
        "title": "Föreningen och jourarbetet",
        "goals": "Känna till föreningens uppdrag och historia\n"
        "Veta vad jourarbete innebär i praktiken\nKänna till tystnadslöftet",
        "summary": "Vi lär känna varandra, föreningen och vad det innebär att vara jourkvinna.",
        "text": [
            "Kvinnojouren är en ideell förening som ger stöd till kvinnor och tjejer som "
            "utsatts för våld. Stödet ges av jourkvinnor – ideella och anställda – genom "
            "telefon, chatt, stödsamtal och skyddat boende. Föreningen arbetar också "
            "förebyggande och opinionsbildande.",
            "Som jourkvinna möter du människor i svåra situationer. Därför är utbildningen, "
            "handledningen och tystnadslöftet grunden för allt arbete. Det du får veta om en "
            "stödsökande stannar i jouren.",
        ],
        "heading": "Jourens tre arbetsområden",
        "text2": "Stödverksamhet, förebyggande arbete och opinionsbildning hänger ihop: "
        "det vi lär oss i stödet gör att vi kan påverka attityder och beslut.",
        "questions": [
            "Vad fick dig att vilja engagera dig i jouren?",
            "Vad tror du blir svårast i jourarbetet, och vad kan hjälpa dig då?",
            "Varför är tystnadslöftet så viktigt för dem som söker stöd?",
        ],
        "reading": [
            ("Föreningens stadgar och verksamhetsplan", "Kvinnojouren Björkdalen", "Delas ut vid träffen."),
        ],
    },
    {
        "title": "Värdegrund och etik",
        "goals": "Kunna beskriva föreningens värdegrund\nReflektera över etiska dilemman i stödarbetet",
        "summary": "Vad vi står för och hur vi gör när det blir svårt.",
        "text": [
            "Värdegrunden beskriver vad föreningen står för: att våld mot kvinnor och barn "
            "är ett uttryck för ojämställdhet, att den stödsökande är expert på sitt eget "
            "liv och att vi möter alla med respekt.",
            "Etiska dilemman uppstår ofta när värden krockar, till exempel när vi oroar oss "
            "för en stödsökandes säkerhet men hon inte vill göra en polisanmälan.",
        ],
        "heading": "Att stå kvar i det svåra",
        "text2": "Vi tar inte över, vi stöttar. Ibland betyder det att lyssna utan att kunna lösa.",
        "questions": [
            "Vilket av värdegrundens ord är viktigast för dig, och varför?",
            "Hur gör vi när den stödsökandes vilja och vår oro går isär?",
            "När behöver vi prata med samordnaren i stället för att hantera något själva?",
        ],
        "reading": [("Föreningens värdegrund och etiska riktlinjer", "Kvinnojouren Björkdalen", "")],
    },
    {
        "title": "Feminism, kvinnoseparatism och maktordningen",
        "goals": "Förstå våld mot kvinnor som en del av en könsmaktsordning\n"
        "Förstå varför jouren organiserar sig kvinnoseparatistiskt",
        "summary": "Varför vi förstår mäns våld mot kvinnor som en fråga om makt.",
        "text": [
            "Jourrörelsen vilar på en feministisk grund: mäns våld mot kvinnor är inte "
            "enskilda olyckor utan en del av en maktordning där kvinnor och män har olika "
            "villkor.",
            "Kvinnoseparatism innebär att kvinnor organiserar sig tillsammans. För många "
            "stödsökande är det en förutsättning för att våga berätta.",
        ],
        "heading": "Makt i vardagen",
        "text2": "Maktordningen syns i stort och smått: i lönestatistik, i vem som tar ansvar "
        "för hem och barn, och i vems berättelse som blir trodd.",
        "questions": [
            "Var ser du könsmaktsordningen i din egen vardag?",
            "Vad betyder kvinnoseparatismen för stödsökande? För oss som jourkvinnor?",
            "Hur förklarar du jourens feministiska grund för någon som är tveksam?",
        ],
        "reading": [("Studiematerial om feminism och maktordning", "Kvinnojouren Björkdalen", "")],
    },
    {
        "title": "Våldets många uttryck",
        "goals": "Känna igen fysiskt, psykiskt, sexuellt, ekonomiskt och materiellt våld\n"
        "Känna till digitalt våld och hedersrelaterat våld och förtryck",
        "summary": "Våld är mer än slag: om de olika formerna och hur de hänger ihop.",
        "text": [
            "Våld i nära relationer tar sig många uttryck: fysiskt, psykiskt, sexuellt, "
            "ekonomiskt och materiellt våld, försummelse och kontroll. Digitalt våld, som "
            "övervakning genom telefonen, är i dag vanligt.",
            "Formerna förekommer ofta samtidigt och förstärker varandra. Det psykiska våldet "
            "beskrivs av många som det svåraste att läka från.",
        ],
        "heading": "Hedersrelaterat våld och förtryck",
        "text2": "När våldet utövas av flera i familjen eller släkten för att bevara ett "
        "anseende kräver stödet särskild kunskap om säkerhet och kontakter med myndigheter.",
        "questions": [
            "Vilka former av våld är svårast att upptäcka, och varför?",
            "Hur kan kontroll via telefon och sociala medier se ut?",
            "Vad behöver vi tänka på i stödet när flera personer utövar våldet?",
        ],
        "reading": [("Jourens checklista för säkerhetsplanering", "Kvinnojouren Björkdalen", "")],
    },
    {
        "title": "Normaliseringsprocessen",
        "goals": "Förstå hur våld gradvis normaliseras i en relation\nFörstå varför det är svårt att lämna",
        "summary": "Varför stannar hon? Om hur våldet blir en del av vardagen.",
        "text": [
            "Normaliseringsprocessen beskriver hur våld och kontroll gradvis blir en del av "
            "vardagen. Gränser förskjuts, kvinnan isoleras och tar över förövarens "
            "förklaringar till våldet.",
            "Frågan ”varför går hon inte?” blir därför fel. En bättre fråga är vad som "
            "hindrar henne, och vad som skulle göra det möjligt att gå.",
        ],
        "heading": "Växling mellan våld och värme",
        "text2": "Perioder av ömhet gör att hoppet om förändring lever kvar. Det är en del "
        "av processen, inte ett tecken på att våldet var mindre allvarligt.",
        "questions": [
            "Hur kan isolering gå till utan att det märks utifrån?",
            "Vad kan vi säga i stället för att fråga varför hon inte går?",
            "Hur påverkar normaliseringen en stödsökandes berättelse i samtalet?",
        ],
        "reading": [
            ("Våldets normaliseringsprocess", "Eva Lundgren", "Finns att låna i föreningslokalen."),
        ],
    },
    {
        "title": "Brottmålsprocessen",
        "goals": "Känna till stegen från polisanmälan till dom\n"
        "Veta vilket stöd en målsägande kan få under rättegången",
        "summary": "Från anmälan till dom: vad händer och hur kan jouren stödja?",
        "text": [
            "Efter en polisanmälan leder polis eller åklagare förundersökningen. Åklagaren "
            "beslutar om åtal, och om det blir rättegång hålls den i tingsrätten.",
            "Den som utsatts kan ha rätt till ett målsägandebiträde, en advokat som hjälper "
            "henne under processen. Jouren kan följa med som stödperson.",
        ],
        "heading": "Att vara stödperson i rätten",
        "text2": "Stödpersonen ger medmänskligt stöd och är inte part i målet. Förbered "
        "dig med samordnaren innan du följer med.",
        "questions": [
            "Vad kan göra en rättegång extra påfrestande för den som utsatts?",
            "Vad är skillnaden mellan ett målsägandebiträde och en stödperson?",
            "Hur förbereder vi en stödsökande inför en rättegång?",
        ],
        "reading": [
            ("Information om rättegången för brottsutsatta", "Brottsoffermyndigheten", ""),
        ],
    },
    {
        "title": "Barn som upplever våld",
        "goals": "Förstå hur barn påverkas av att uppleva våld\n"
        "Känna till anmälningsplikt och barnets rättigheter",
        "summary": "Barn som upplever våld mot en förälder är själva brottsoffer.",
        "text": [
            "Barn som ser, hör eller förstår att en förälder utsätts för våld påverkas "
            "djupt. Sedan 2021 är det ett brott att låta ett barn bevittna våld i en nära "
            "relation.",
            "Barnkonventionen är svensk lag. Barnets bästa ska komma i första rummet i alla "
            "beslut som rör barn, även i jourens arbete.",
        ],
        "heading": "När vi oroar oss för ett barn",
        "text2": "Den som är verksam i jouren ska tala med samordnaren vid oro för ett barn. "
        "Föreningen har rutiner för orosanmälan till socialtjänsten.",
        "questions": [
            "Hur kan ett barn visa att det mår dåligt av våld hemma?",
            "Vad innebär det att barn är brottsoffer när de upplever våld?",
            "Hur ser föreningens rutin för orosanmälan ut?",
        ],
        "reading": [("Föreningens rutin för orosanmälan", "Kvinnojouren Björkdalen", "")],
    },
    {
        "title": "Grundläggande samtalsmetodik",
        "goals": "Kunna lyssna aktivt och ställa öppna frågor\n"
        "Kunna avsluta ett samtal och ta hand om dig själv efteråt",
        "summary": "Att lyssna, bekräfta och ge information – och att ta hand om sig själv.",
        "text": [
            "Ett stödsamtal utgår från den stödsökandes behov. Vi lyssnar aktivt, ställer "
            "öppna frågor, bekräftar och ger information om möjligheter – men beslutar "
            "aldrig åt henne.",
            "Samtal om våld kan väcka starka känslor också hos den som lyssnar. Efter ett "
            "tungt samtal pratar du med samordnaren eller i handledningen.",
        ],
        "heading": "Övning i par",
        "text2": "Vi övar på att inleda, föra och avsluta ett samtal med hjälp av "
        "rollspel. Den som lyssnar får feedback från den som observerar.",
        "questions": [
            "Vad är skillnaden mellan att bekräfta och att hålla med?",
            "Hur avslutar du ett samtal som inte vill ta slut?",
            "Vad gör du för att ta hand om dig själv efter ett tungt pass?",
        ],
        "reading": [("Jourens samtalsguide", "Kvinnojouren Björkdalen", "Finns i jourrummet.")],
    },
]

CONTINUING_COURSE = {
    "title": "Stödsamtal i chatten – fördjupning",
    "slug": "stodsamtal-i-chatten",
    "kind": "continuing",
    "self_paced": True,
    "theme": "Samtalsmetodik",
    "introduction": (
        "<p>En fortbildning för dig som redan är aktiv och vill ta chattpass. Vi går igenom "
        "hur skriftliga samtal skiljer sig från telefonsamtal, hur vi bedömer risk och hur "
        "vi skyddar den stödsökandes anonymitet.</p>"
    ),
    "how_to_join": "<p>Anmäl dig till samordnaren. Du behöver ha gått studiecirkeln.</p>",
}

CONTINUING_UNITS = [
    {
        "title": "Det skrivna samtalet",
        "hours": "1.5",
        "goals": "Förstå hur ett chattsamtal skiljer sig från ett telefonsamtal",
        "summary": "Tystnad, tempo och tonfall när allt sker i text.",
        "text": [
            "I chatten saknas röst och tonfall. Korta svar, pauser och stavfel kan betyda "
            "mycket, och det tar tid att skriva ner det svåra.",
            "Var tydlig, skriv kort och bekräfta ofta att du finns kvar.",
        ],
        "heading": "Att vänta in",
        "text2": "Låt den stödsökande styra tempot. Fråga hellre en gång för mycket om du har förstått rätt.",
        "questions": [
            "Vad blir lättare i chatten än i telefon? Vad blir svårare?",
            "Hur visar du att du lyssnar när du inte kan höras?",
        ],
        "reading": [("Rutiner för chattjour", "Kvinnojouren Björkdalen", "")],
    },
    {
        "title": "Risk, säkerhet och anonymitet",
        "hours": "1.5",
        "goals": "Kunna uppmärksamma tecken på akut fara\nKunna ge råd om digital säkerhet",
        "summary": "Hur vi bedömer risk och skyddar den som skriver till oss.",
        "text": [
            "Den som skriver kan vara övervakad. Påminn om att rensa historik och att "
            "avsluta samtalet snabbt om någon kommer.",
            "Vid akut fara uppmanar vi alltid att ringa 112.",
        ],
        "heading": "Digitala spår",
        "text2": "Gå igenom hur webbläsarhistorik, delade konton och platsdelning kan avslöja "
        "kontakten med jouren.",
        "questions": [
            "Vilka tecken i en chatt tyder på att hon inte skriver fritt?",
            "Hur ger du säkerhetsråd utan att skrämma?",
        ],
        "reading": [("Jourens checklista för digital säkerhet", "Kvinnojouren Björkdalen", "")],
    },
]

#: (email, first name, last name, groups, joined on, left on, protected identity)
PEOPLE = [
    ("samordnare@example.org", "Maria", "Lindqvist", "staff", "2019-03-01", None, False),
    ("styrelse@example.org", "Karin", "Holm", "board;volunteer", "2016-09-15", None, False),
    ("volontar1@example.org", "Sara", "Ek", "volunteer", "2026-08-20", None, False),
    ("volontar2@example.org", "Leila", "Haddad", "volunteer", "2026-08-20", None, False),
    ("anna.berg@example.org", "Anna", "Berg", "volunteer", "2021-02-10", None, False),
    ("elin.sandberg@example.org", "Elin", "Sandberg", "volunteer", "2022-01-20", None, False),
    ("fatima.ali@example.org", "Fatima", "Ali", "volunteer", "2022-09-01", None, False),
    ("hanna.nyberg@example.org", "Hanna", "Nyberg", "volunteer;board", "2018-05-04", None, False),
    ("ida.strom@example.org", "Ida", "Ström", "volunteer", "2023-02-14", None, False),
    ("johanna.wik@example.org", "Johanna", "Wik", "staff", "2020-08-17", None, False),
    ("kristina.lund@example.org", "Kristina", "Lund", "board", "2024-04-22", None, False),
    ("lena.dahl@example.org", "Lena", "Dahl", "volunteer", "2015-10-01", "2025-06-30", False),
    ("maja.forsberg@example.org", "Maja", "Forsberg", "volunteer", "2023-09-05", None, False),
    ("nadia.rahimi@example.org", "Nadia", "Rahimi", "volunteer", "2024-01-25", None, False),
    ("olivia.hedlund@example.org", "Olivia", "Hedlund", "volunteer", "2024-09-03", None, False),
    ("petra.sjoberg@example.org", "Petra", "Sjöberg", "staff;volunteer", "2017-03-12", None, False),
    ("rut.engstrom@example.org", "Rut", "Engström", "board", "2012-03-20", "2024-03-20", False),
    ("sofia.bergman@example.org", "Sofia", "Bergman", "volunteer", "2025-01-30", None, False),
    ("tove.isaksson@example.org", "Tove", "Isaksson", "volunteer", "2025-09-04", None, False),
    ("ulrika.mattsson@example.org", "Ulrika", "Mattsson", "volunteer", "2019-02-01", "2026-01-31", False),
    ("vera.lindgren@example.org", "Vera", "Lindgren", "volunteer", "2026-08-20", None, False),
    ("yasmin.omar@example.org", "Yasmin", "Omar", "volunteer", "2026-08-20", None, False),
    ("agnes.blom@example.org", "Agnes", "Blom", "volunteer", "2026-08-20", None, False),
    ("beatrice.falk@example.org", "Beatrice", "Falk", "board", "2023-04-18", None, False),
    ("skyddad@example.org", "Kim", "Skyddad", "volunteer", "2024-02-12", None, True),
]

#: The demo logins: (email, role description, role group or None, superuser)
LOGINS = [
    ("admin@example.org", "umbrella administrator (superuser)", None, True),
    ("samordnare@example.org", "coordinator", "Coordinators", False),
    ("styrelse@example.org", "board member", "Board", False),
    ("volontar1@example.org", "volunteer", None, False),
    ("volontar2@example.org", "volunteer", None, False),
]

#: The demo runs of the study circle, placed relative to the day the demo is loaded:
#: (key, weeks from the current run's first session, leaders' emails)
RUNS = [
    ("earlier", -30, ["styrelse@example.org"]),
    ("current", 0, ["styrelse@example.org", "petra.sjoberg@example.org"]),
    ("next", 20, ["petra.sjoberg@example.org"]),
]
LOCATION = "Föreningslokalen"

#: Attendance in the current run: one mark per held session (six are held when the demo is
#: loaded); "-" = no mark. Make-ups: (unit, kind, detail).
CURRENT_ATTENDANCE = {
    "volontar1@example.org": (
        "present present late present excused present",
        [(5, "catch_up", "Karin Holm")],
    ),
    "volontar2@example.org": ("present present absent present excused late", []),
    "vera.lindgren@example.org": ("present present present present present present", []),
    "yasmin.omar@example.org": (
        "present present excused present present present",
        [(3, "other_run", "next")],
    ),
    "agnes.blom@example.org": ("present late absent absent - -", []),
    "tove.isaksson@example.org": ("present absent - - - -", []),
}
CURRENT_WITHDRAWN = ["tove.isaksson@example.org"]
#: The week: who gives apologies for the run's next session, and her note; how many days later
#: its last session is moved (the same hours); who wants reminders the day before a session.
APOLOGY = ("volontar2@example.org", "Jobbar kväll den veckan, tar igen avsnittet i nästa omgång.")
MOVED_DAYS = 1
REMINDERS = ["volontar1@example.org"]
#: The earlier run: everyone attended everything except one unit made up with the leader.
EARLIER_PARTICIPANTS = [
    "sofia.bergman@example.org",
    "maja.forsberg@example.org",
    "nadia.rahimi@example.org",
    "ida.strom@example.org",
]
EARLIER_MISSED = {"ida.strom@example.org": 7}
#: Lessons of the self-paced course already done: (email, unit numbers)
LESSONS_DONE = [("volontar1@example.org", [1]), ("anna.berg@example.org", [1, 2])]

#: The competence catalogue, in the format of ``import_catalogue``.
CATALOGUE = """\
qualification_types:
  - name: Grundutbildning
    description: Studiecirkeln för nya jourkvinnor, alla åtta träffar.
    granted_by_course: "Studiecirkel för nya jourkvinnor"
  - name: Tystnadslöfte
    description: Undertecknat tystnadslöfte. Förnyas varje år.
    valid_months: 12
    pledge: true
  - name: Barnkunskap
    description: Fördjupning om barn som upplever våld, för den som möter barn i boendet.
    valid_months: 36
shift_roles:
  - name: Telefonjour
    requires: [Grundutbildning, Tystnadslöfte]
    min_training_hours: 6
    training_window_months: 12
  - name: Chattjour
    requires: [Grundutbildning, Tystnadslöfte]
    min_training_hours: 4
    training_window_months: 12
  - name: Boendejour
    requires: [Grundutbildning, Tystnadslöfte, Barnkunskap]
    min_training_hours: 6
    training_window_months: 12
"""

#: Records relative to the day the demo is loaded: (email, kind, name, days ago, hours, provider,
#: expires in days or None, revoked days ago or None). Together they show every kind of reason.
RECORDS = [
    *[
        (email, "qualification", "Grundutbildning", days, "", "", None, None)
        for email, days in [
            ("anna.berg@example.org", 1500),
            ("elin.sandberg@example.org", 1200),
            ("fatima.ali@example.org", 1100),
            ("hanna.nyberg@example.org", 2600),
            ("johanna.wik@example.org", 2000),
            ("petra.sjoberg@example.org", 3000),
            ("styrelse@example.org", 3500),
            ("samordnare@example.org", 2500),
            ("lena.dahl@example.org", 3800),
            ("skyddad@example.org", 900),
            ("olivia.hedlund@example.org", 700),
            ("tove.isaksson@example.org", 10),
        ]
    ],
    *[
        (email, "qualification", "Tystnadslöfte", days, "", "", None, None)
        for email, days in [
            ("anna.berg@example.org", 100),
            ("hanna.nyberg@example.org", 200),
            ("johanna.wik@example.org", 150),
            ("petra.sjoberg@example.org", 90),
            ("styrelse@example.org", 250),
            ("samordnare@example.org", 300),
            ("lena.dahl@example.org", 700),
            ("skyddad@example.org", 120),
            ("sofia.bergman@example.org", 190),
            ("nadia.rahimi@example.org", 180),
            ("ida.strom@example.org", 170),
            ("olivia.hedlund@example.org", 60),
            ("fatima.ali@example.org", 400),  # expired 35 days ago
            ("elin.sandberg@example.org", 350),  # expires in about two weeks: a warning
        ]
    ],
    ("maja.forsberg@example.org", "qualification", "Tystnadslöfte", 160, "", "", None, 20),  # revoked
    ("hanna.nyberg@example.org", "qualification", "Barnkunskap", 200, "", "", None, None),
    ("petra.sjoberg@example.org", "qualification", "Barnkunskap", 500, "", "", None, None),
    *[
        (email, "training", "Barnkonferens", 60, "6", "Roks", None, None)
        for email in [
            "anna.berg@example.org",
            "elin.sandberg@example.org",
            "hanna.nyberg@example.org",
            "styrelse@example.org",
            "petra.sjoberg@example.org",
            "johanna.wik@example.org",
            "skyddad@example.org",
            "samordnare@example.org",
        ]
    ],
    *[
        (email, "training", "Hedersrelaterat våld", 150, "3", "Origo", None, None)
        for email in [
            "anna.berg@example.org",
            "fatima.ali@example.org",
            "ida.strom@example.org",
            "olivia.hedlund@example.org",
        ]
    ],
    *[
        (email, "training", "Maskulinitetsnormer", 200, "2.5", "Machofabriken", None, None)
        for email in [
            "elin.sandberg@example.org",
            "nadia.rahimi@example.org",
            "sofia.bergman@example.org",
            "ida.strom@example.org",
        ]
    ],
    (
        "fatima.ali@example.org",
        "training",
        "Ett starkare barnrättsperspektiv",
        420,
        "6",
        "Länsstyrelsen",
        None,
        None,
    ),
    (
        "sofia.bergman@example.org",
        "training",
        "Brottsoffers rättigheter",
        90,
        "4",
        "Brottsoffermyndigheten",
        None,
        None,
    ),
]

#: The quality work's findings and actions, relative to the day the demo is loaded: (title, about
#: the finding, source, what will be done, responsible's email, due in days (negative: past),
#: status, closed days ago or None, follow-up). One is overdue, one closed with its follow-up.
ACTIONS = [
    (
        "Tre tystnadslöften behöver förnyas",
        "Vid genomgången av behörighetstavlan i oktober hade tre volontärer tystnadslöften som "
        "skulle ha förnyats.",
        "pledge",
        "Samordnaren bokar ett samtal med var och en och tar emot förnyade tystnadslöften.",
        "samordnare@example.org",
        -10,
        "in_progress",
        None,
        "",
    ),
    (
        "Deltagarna vill ha mer om barn som upplever våld",
        "Utvärderingen efter vårens studiecirkel: flera önskade mer tid för träffen om barn.",
        "evaluation",
        "Träffen om barn förlängs med en halvtimme och en fördjupningskväll planeras.",
        "styrelse@example.org",
        45,
        "open",
        None,
        "",
    ),
    (
        "Chattjouren saknade rutin för överlämning",
        "En avvikelse i september: ett chattsamtal avbröts vid passbyte utan överlämning.",
        "deviation",
        "Skriva en rutin för överlämning mellan chattpass och gå igenom den på nästa handledning.",
        "samordnare@example.org",
        -30,
        "closed",
        20,
        "Rutinen är skriven och genomgången på handledningen; inga nya avvikelser sedan dess.",
    ),
    (
        "Styrelsen vill följa upp kompetensplanen varje kvartal",
        "Medlemsmötet i våras: kompetensplanen följdes bara upp en gång per år.",
        "member_meeting",
        "Kompetensplanen blir en stående punkt på styrelsemötet varje kvartal.",
        "styrelse@example.org",
        90,
        "open",
        None,
        "",
    ),
]

#: The themes of the demo's training records (by title).
RECORD_THEMES = {
    "Barnkonferens": "Barn som upplever våld",
    "Ett starkare barnrättsperspektiv": "Barn som upplever våld",
    "Hedersrelaterat våld": "Hedersrelaterat våld och förtryck",
    "Maskulinitetsnormer": "Normkritik",
}

#: This year's competence plan: (theme, groups, when, what). "When" is a period code, or
#: "ago:N": the month N days before the demo is loaded (the first quarter when that is last year),
#: or "last-quarter": the quarter before this one (the first quarter in the first). Six themes:
#: some done, one not done in time, some still to come, and one done without a plan (Brottsoffers
#: rättigheter has no theme).
PLAN = [
    (
        "Barn som upplever våld",
        ["volunteer", "staff"],
        "ago:60",
        "Roks barnkonferens för så många jourkvinnor som möjligt.",
    ),
    (
        "Hedersrelaterat våld och förtryck",
        ["volunteer", "staff"],
        "ago:150",
        "En halvdag med Origo om hedersrelaterat våld.",
    ),
    ("Normkritik", ["volunteer"], "year", "Machofabrikens workshop om maskulinitetsnormer."),
    (
        "Samtalsmetodik",
        ["volunteer"],
        "year",
        "Fortbildningen Stödsamtal i chatten för alla som tar chattpass.",
    ),
    (
        "Värdegrund och etik",
        ["volunteer", "staff", "board"],
        "last-quarter",
        "En temakväll om föreningens värdegrund och feministiska grund.",
    ),
    ("Ledarskap", ["board", "staff"], "q4", "Utvecklande ledarskap för styrelsen och verksamhetsledaren."),
]

#: An evening of continuing education held a little before the day the demo is loaded (its
#: evaluation is answered by five of the seven who came, so the external version shows it).
EVENING_COURSE = {
    "title": "Fördjupningskväll: barn som upplever våld",
    "slug": "fordjupningskvall-barn",
    "kind": "continuing",
    "theme": "Barn som upplever våld",
    "introduction": (
        "<p>En kväll för aktiva jourkvinnor om barns utsatthet när mamma utsätts för våld, och om "
        "hur vi möter barnen i skyddat boende.</p>"
    ),
    "how_to_join": "<p>Anmäl dig till samordnaren.</p>",
}
EVENING_UNITS = [
    {
        "title": "Barnen i skyddat boende",
        "hours": "2.5",
        "goals": "Känna till barns reaktioner på våld\nVeta hur vi pratar med barn i boendet",
        "summary": "Barns utsatthet och barnens egna behov i boendet.",
        "text": ["Barn som upplever våld är brottsoffer. Vi går igenom vad det betyder i vårt arbete."],
        "heading": "Att prata med barn",
        "text2": "Barn behöver få veta vad som händer, på ett sätt som passar deras ålder.",
        "questions": ["Hur märks barnen i boendet? Vad behöver de av oss?"],
        "reading": [("Barn som upplever våld", "Socialstyrelsen", "Handbok för socialtjänsten.")],
    }
]
#: (days before the demo is loaded, who came)
EVENING = (
    20,
    [
        "volontar1@example.org",
        "anna.berg@example.org",
        "hanna.nyberg@example.org",
        "johanna.wik@example.org",
        "petra.sjoberg@example.org",
        "sofia.bergman@example.org",
        "nadia.rahimi@example.org",
        "olivia.hedlund@example.org",
    ],
)
#: Who answers the evaluations (the first N of those who attended, in the register's order), by
#: run and unit: the current study circle's first three units (the third with two answers: "<5
#: svar" outside), the earlier one's first and last (four participants: always "<5 svar"), the
#: evening (five of seven).
EVALUATED = {"current": {1: 6, 2: 5, 3: 6}, "earlier": {1: 4, 8: 4}, "evening": {0: 5}}
#: The ratings given, in turn, and the free texts (an empty one: no text).
EVALUATION_RATINGS = [5, 4, 4, 5, 3, 4, 5]
EVALUATION_TEXTS = [
    "Bra att vi fick öva på samtal i par.",
    "",
    "Jag hade velat ha mer tid till frågor.",
    "Tydligt upplägg och en trygg stämning.",
    "",
    "Mer om barnen, tack!",
]
