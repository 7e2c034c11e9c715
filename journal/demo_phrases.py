"""The sentences, names and titles the demo entries are composed from (see
:mod:`journal.demo`). Placeholders such as ``{person}`` are filled per entry."""

PEOPLE = ["Priya", "Tomás", "Mei", "Jonas", "Amara", "Kenji", "Sofia", "Ravi", "Lena",
          "Omar", "Grace", "Mateo", "Inès", "Yusuf", "Hana", "Felix"]
FEATURES = ["the CSV export", "search filters", "the billing retry job", "dark mode",
            "the onboarding checklist", "offline drafts", "the audit log", "rate limiting",
            "the new settings page", "single sign-on", "the importer", "webhook retries",
            "the mobile layout", "bulk edit", "the reporting dashboard", "saved searches"]
SERVICES = ["the payments service", "the queue workers", "the search index",
            "the auth gateway", "the nightly backup job", "the public API", "the mail relay"]
TOPICS = ["query planners", "CRDTs", "TLS certificates", "accessibility audits",
          "feature flags", "property-based testing", "load balancers", "database indexes"]

# Each theme: (the tags it suggests, its sentences). Placeholders are filled per entry.
THEMES: dict[str, tuple[list[str], list[str]]] = {
    "launch": (["work/launch", "win", "work"], [
        "We shipped {feature} today.",
        "{feature} went out to every customer this afternoon, behind a flag we never had "
        "to touch.",
        "The launch was quieter than I feared: {n} sign-ups in the first hour and no "
        "rollback.",
        "I kept finding small things to polish, and we shipped anyway. Nobody noticed the "
        "things I worried about.",
        "Support forwarded a note from a customer who said {feature} saves them an "
        "afternoon a week.",
        "It is not perfect, but it is in people's hands, which is where it can get better.",
        "Release notes are out. {person} wrote the customer-facing part better than I "
        "would have.",
        "Rolled out to {pct}% of accounts; error rates stayed flat.",
        "The first real user of {feature} found a use for it we never planned.",
    ]),
    "review": (["work/review", "team"], [
        "{person} left {n} comments on my pull request, and most of them were right.",
        "I reviewed {person}'s change to {feature} and learned a trick with the query "
        "planner.",
        "A review comment stung for about ten minutes, then it made the code better.",
        "I approved a change I would have written differently. Different is not wrong.",
        "My review queue is down to {small}. Small pull requests really are faster for "
        "everyone.",
        "I asked for tests on the edge cases and {person} found a real bug while writing "
        "them.",
        "Split my change into three smaller ones; each got reviewed within the hour.",
    ]),
    "bugs": (["work/bugs", "work"], [
        "Spent the morning on a bug in {service} that only showed up under load.",
        "The bug was an off-by-one in the pagination, hiding in plain sight for {small} "
        "months.",
        "Found the cause of the flaky test: two tests shared a temporary directory.",
        "I fixed a bug that no customer had reported and probably none ever would. Next "
        "time I will weigh that before spending a day on it.",
        "Wrote a failing test first, and then the fix was four lines.",
        "The time zone bug again. This time I wrote down how it works so the next person "
        "does not have to rediscover it.",
        "Bisected {n} commits in twenty minutes. Tools are good when you remember them.",
    ]),
    "oncall": (["work/oncall", "work"], [
        "Paged at {hour} for {service}. A full disk, cleared in twenty minutes.",
        "The incident review was calm and nobody went looking for someone to blame.",
        "Our runbook worked exactly as written, which is a small victory for the person "
        "who wrote it: me.",
        "Quiet on-call week: {small} alerts, all of them real, none of them urgent.",
        "Handed over on-call with a short list and no open incidents.",
    ]),
    "thanks": (["thanks", "team"], [
        "{person} paired with me for an hour and untangled the migration plan.",
        "Thanked {person} for the careful review. I should say those things out loud "
        "more often.",
        "{person} stayed late to help test the release. I owe them a coffee.",
        "{person} said my design doc was the clearest one this quarter.",
        "A new teammate asked me for help, which means somebody thinks I know things.",
        "{person} covered my on-call shift without being asked twice.",
    ]),
    "doubt": (["doubt"], [
        "I felt as if everyone else understood the architecture better than I do.",
        "The old feeling that I got this job by luck came back during the planning "
        "meeting.",
        "I worried my estimate was naive. It was off by a day, which is normal.",
        "I was afraid to ask a basic question in the channel; I asked anyway, and two "
        "others had the same one.",
        "I compared my first draft with someone else's finished work again.",
        "Sat on a pull request for a day because it did not feel good enough to show.",
    ]),
    "evidence": (["doubt", "win"], [
        "Evidence against the doubt: {n} pull requests merged this month, {small} reviews "
        "given.",
        "I read my notes from a year ago. What scared me then is routine now.",
        "My manager asked me to lead the next project. People do not do that out of pity.",
        "The feature I doubted most has the fewest support tickets.",
        "Facts, not feelings: {service} met its error budget all quarter, and I own it.",
        "Three people asked me about {topic} this week. I know more than I give myself "
        "credit for.",
    ]),
    "win": (["win"], [
        "Small win: the build is {n} seconds faster since I cached the dependencies.",
        "Closed the oldest ticket on the board.",
        "The demo went well, and the questions afterwards were about what comes next, not "
        "about what is broken.",
        "Cut the test suite from {big} minutes to {small}.",
        "A customer renewed and named {feature} as the reason.",
    ]),
    "health": (["health"], [
        "Walked at lunch instead of eating at the desk. The afternoon was better for it.",
        "Slept badly and still did decent work. I do not need perfect conditions.",
        "Logged off at six. The bug will still be there tomorrow, and so will I.",
        "Took a real day off. Nothing broke.",
        "Stopped at the end of a thought instead of the end of my energy.",
    ]),
    "learning": (["learning"], [
        "Read up on {topic} and finally understood a design decision from last year.",
        "Learned enough about {topic} today to ask better questions tomorrow.",
        "Watched {person} debug with a profiler and copied the habit.",
        "Wrote a short note on {topic} for the team wiki; writing it taught me the gaps.",
    ]),
    "planning": (["work/planning", "work"], [
        "Planning took two hours. We cut scope to what we can finish well.",
        "Wrote the design doc for {feature}. Three open questions left, fewer than "
        "yesterday.",
        "Said no to a nice-to-have so that the important part ships on time.",
        "Estimated {feature} at two weeks and said the risks out loud this time.",
    ]),
    "mentoring": (["team/1on1", "team"], [
        "In my one-on-one with {person} we talked about how to say no to extra projects.",
        "{person} asked how I decide when something is good enough. I had an answer.",
        "My mentor pointed out that I describe my own work with the word just. Just "
        "fixed, just shipped.",
    ]),
}
THEME_NAMES = list(THEMES)

THEME_TITLES = {
    "launch": ["Launch day", "Shipped {feature}", "Good enough, and out", "Release week"],
    "review": ["Review notes", "On being reviewed", "Small pull requests"],
    "bugs": ["A bug that hid for months", "Bug hunt", "The fix was four lines"],
    "oncall": ["On-call, night {small}", "After the incident", "A quiet pager"],
    "thanks": ["Thanks, {person}", "People who helped this week"],
    "doubt": ["The doubt again", "A wobbly day", "Not feeling it"],
    "evidence": ["The doubt, and the facts", "Numbers from this month", "Evidence"],
    "win": ["Small wins", "A good day", "Before the demo"],
    "health": ["A slower day", "Logged off on time", "Rest"],
    "learning": ["What I learned about {topic}", "Reading notes"],
    "planning": ["Planning week", "Cutting scope", "Design doc for {feature}"],
    "mentoring": ["One-on-one with {person}", "Mentoring notes"],
}
TITLES = ["Friday", "Monday", "Retro notes", "A long week", "Starting again", "Midweek"]

CLOSINGS = [
    "Tomorrow: write the migration and ask {person} to review it.",
    "Next step: one small pull request before lunch.",
    "Tomorrow I start again, with a shorter list.",
    "Next: write the follow-up ticket while I still remember the details.",
    "Tomorrow's first job is the thing I avoided today.",
]

DONE_INTROS = ["What went well:", "Evidence, not feelings:", "Done today:"]
DONE_ITEMS = [
    "merged the change to {feature}", "answered {person}'s question about {service}",
    "reviewed {small} pull requests", "fixed the flaky test", "wrote the release notes",
    "paired with {person}", "closed {small} tickets", "updated the runbook",
    "asked for help early", "deleted more code than I added", "said no to a meeting",
    "finished the design doc", "shipped a small fix to {feature}",
]
PLAN_INTROS = ["For tomorrow:", "Plan:", "Next week:"]
PLAN_ITEMS = [
    "write the tests for {feature}", "ask {person} about {service}", "update the runbook",
    "split the big pull request", "book an hour with {person}", "read about {topic}",
    "answer the open review comments", "write down what went well", "close two old tickets",
]

# Project code names made of three syllables: thousands of distinct words, each in a
# handful of entries, like the names and tickets that make real journals searchable.
SYLLABLES = ["ka", "lo", "mi", "ru", "te", "va", "zo", "ni", "pe", "sa", "do", "fi", "gu",
             "ha", "jo", "ber", "tan", "quil", "mor", "dex"]
CODENAME_SENTENCES = [
    "The {codename} spike taught me more than I expected.",
    "Finally closed the last {codename} ticket.",
    "{person} asked me to review the {codename} design doc.",
    "Wrote the migration plan for {codename}.",
]
EXTRA_TAGS = ["work", "team", "win", "health", "learning", "Thanks"]

INLINE_TEMPLATES = ["Filing this under #{tag}.", "More #{tag} than I expected.",
                    "(#{tag})", "A #{tag} day, on balance."]

WIN_PARTS = [
    "I wrote the tests for the edge cases before anyone asked for them.",
    "I cut the scope to what we could finish well, and said so early.",
    "I asked {person} for a review a day early instead of polishing alone.",
    "I rehearsed the demo twice and had answers ready for the hard questions.",
    "I ran the rollout in small steps and watched the error rates myself.",
    "I read the logs before guessing, and found the cause in {small} minutes.",
    "I wrote the runbook that made this boring.",
    "I said the risks out loud in planning, so nobody was surprised.",
    "I noticed the slow step in the build and cached it; the idea was mine.",
    "I kept the checklist and followed it, even when it felt slow.",
    "I explained {topic} to {person} until the design made sense to both of us.",
    "I pushed to ship {feature} as it was, and the feedback proved it was enough.",
]

# A reframe of a doubt, one list per guided field of the form.
REFRAME_FIELDS: dict[str, list[str]] = {
    "happened": [
        "My estimate for {feature} slipped by {small} days.",
        "{person} found a bug in my change to {service} during review.",
        "The demo of {feature} stalled for a minute while a page loaded.",
        "I could not answer a question about {topic} in the planning meeting.",
        "A customer reported that {feature} was confusing.",
        "I was paged for {service} and took an hour to find the cause.",
    ],
    "critic": [
        "A real engineer would have seen this coming.",
        "Everyone now knows I do not understand {service}.",
        "I got this job by luck, and this proves it.",
        "If it is not perfect, it should not have shipped.",
        "I should know {topic} by now.",
    ],
    "evidence_for": [
        "The mistake was mine and it reached review.",
        "I did not know the answer at the time.",
        "It took longer than I said it would.",
    ],
    "evidence_against": [
        "I have shipped {n} changes this quarter; one needed a fix.",
        "{person} asked me to review their design last week.",
        "The bug was caught in review, which is what review is for.",
        "Nobody else in the meeting knew either; we wrote it down as a question.",
        "{service} met its error budget all quarter, and I own it.",
    ],
    "salesperson": [
        "It works, customers use it, and the rough edge is on the list.",
        "One slip in {n} releases is a record worth selling.",
        "The customer wrote in because they care about {feature}: that is a lead, not a "
        "verdict.",
        "The incident is closed and the runbook is better for it.",
    ],
    "in_control": [
        "The size of my next estimate, and saying the risks out loud.",
        "Writing the test that would have caught it.",
        "Asking {person} sooner next time.",
        "Preparing for the demo on a slow network.",
    ],
    "not_in_control": [
        "How the network behaved during the demo.",
        "Which questions came up in the meeting.",
        "That the requirements changed mid-sprint.",
        "What {person} thinks of me on one bad day.",
    ],
    "next_step": [
        "Tomorrow: write the missing test first thing.",
        "Book half an hour with {person} to go through {service}.",
        "Add a buffer of a day to the next estimate and say why.",
        "Read one chapter on {topic} and write three notes.",
    ],
}

# Which built-in prompt themes an entry on a demo theme may have answered.
PROMPT_THEMES = {
    "launch": ("shipped", "value"), "review": ("story", "not-personal"),
    "bugs": ("return", "perfectionism"), "oncall": ("not-personal", "tomorrow"),
    "thanks": ("thanks",), "doubt": ("evidence", "perfectionism"), "evidence": ("evidence",),
    "win": ("value",), "health": ("tomorrow",), "learning": ("return",),
    "planning": ("shipped", "return"), "mentoring": ("story",),
}
