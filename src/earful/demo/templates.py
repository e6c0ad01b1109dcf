"""Invented text material for the demo generator (see :mod:`earful.demo.generator`).

Every line here was written for Earful; nothing is copied from real posts. Templates use ``{slot}``
placeholders that the generator fills:

``{p}`` an alias of Acme Pulse, ``{comp}`` a competitor, ``{n}`` a small number, ``{x}`` a mention
of an expert (rendered per network), ``{topic}`` a product-management topic phrase, ``{company}``
an invented company, ``{emoji}`` an optional emoji, ``{link}`` a shortened article link,
``{title}`` an article title, ``{tag}`` the conference hashtag, ``{take}`` an expert take,
``{day}`` a conference day number.

Feedback templates are grouped by *theme* (the gold theme id). Words that belong to the planted
problem ("CSV", "export", "empty file") appear only in :data:`PLANTED`, so the theme is new in the
last days.
"""

from __future__ import annotations


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Maya Liam Priya Noah Aisha Lucas Mei Omar Sofia Ethan Zara Mateo Hana Jonas Leila Diego "
    "Nora Kofi Ines "
    "Tariq Elena Ravi Chloe Felix Amara Hugo Yuki Sam Ada Marco Lena Arjun Freya Theo Imani "
    "Pablo Greta Kenji "
    "Rosa Idris Clara Malik Vera Tomas Nadia Oscar Alma Dev Ruth Emil Sana Paulo Anika Bruno "
    "Lina Caleb Jade "
    "Wren Rafael Ilse Kai Mira Aaron Esme Joaquin Talia Otto Beatriz Finn Rhea Gustavo Signe "
    "Andre Leah"
)
LAST_NAMES = _words(
    "Okafor Lindqvist Patel Moreau Nakamura Alvarez Brennan Kowalski Haddad Fischer Osei "
    "Romero Chen Larsen "
    "Dubois Mensah Varga Castillo Iyer Novak Sato Quinn Bauer Silva Rahman Keller Duarte Byrne "
    "Ferreira Holm "
    "Adeyemi Marchetti Wong Lund Petrov Costa Nguyen Hartmann Ortiz Brandt Yilmaz Soto Ahmed "
    "Berg Rossi "
    "Kimura Delgado Sandoval Weber Tanaka Murphy Lopez Jansen Abara Richter Santos Park Eriksen"
)

COMPANIES = (
    "Lumen Labs",
    "Tidewave",
    "Quillstack",
    "Fernbank",
    "Orbitly",
    "Parcelry",
    "Driftwood HQ",
    "Sablecraft",
    "Kettleworks",
    "Brightside Health",
    "Nimbus Pay",
    "Lattice & Loom",
    "Cobalt Freight",
    "Mosaic Learning",
    "Harborline",
    "Pinecrest Software",
    "Vellum",
    "Northwind Cloud",
    "Foxglove",
    "Relaydesk",
    "Tessera",
    "Juniper Ops",
    "Gridhaven",
    "Saltmarsh Studio",
)
STARTUPS = (
    "Invoicely",
    "Shiftbase",
    "Plantrack",
    "Tutorloop",
    "Menuhub",
    "Formstack Lite",
    "Rentwise",
    "Podcrate",
    "Clinicflow",
    "Leadpal",
    "Stockroom",
    "Brewlog",
    "Courtside",
    "Snapquote",
    "Gymdesk Go",
    "Ledgerly",
    "Trailmap",
    "Hiveboard",
    "Nestegg",
    "Quizbit",
)
NEWSLETTERS = (
    "Roadmap Weekly",
    "The Discovery Dispatch",
    "Outcome Notes",
    "Build Measure Ship",
    "The PM Brief",
)

BIOS: dict[str, tuple[str, ...]] = {
    "expert": (
        "Product coach. Author of 'Outcomes, Not Outputs'. Ex-VP Product @ {company}",
        "Writing about product discovery at {newsletter}. Advisor to early-stage teams.",
        "Keynote speaker | 15 yrs in product | ex-CPO {company}",
        "Head of Product at {company}. Teaching product analytics on weekends.",
        "I help PMs ship things customers want. Newsletter: {newsletter}",
        "Product leader, angel, recovering engineer. Prev: {company}, {company2}.",
    ),
    "peer": (
        "Product manager at {company}",
        "PM | ex-{company}",
        "Senior PM @ {company} · growth & analytics",
        "Group PM at {company}. Opinions mine.",
        "Product Manager. Dog person. Building {company}'s data platform.",
        "PM @{company}, previously eng. Writing about roadmaps sometimes.",
        "Associate Product Manager at {company} 🚀",
        "Product person. ex-{company}, now {company2}.",
    ),
    "customer": (
        "Founder @{startup}",
        "CTO at {startup}",
        "Data person at {startup}",
        "Indie hacker building {startup}",
        "Growth at {startup}. Numbers nerd.",
        "Ops lead, {startup}. Spreadsheets are my love language.",
        "Co-founder {startup} | bootstrapped",
        "Engineer. Currently wrangling dashboards at {startup}.",
    ),
    "prospect": (
        "Building {startup}",
        "Solo founder, {startup}",
        "Head of Ops at {startup}",
        "Early-stage SaaS founder. Learning in public.",
        "Marketing + product at {startup} (team of 6)",
    ),
    "attendee": (
        "Designer at {company}",
        "UX researcher. Talking to users for a living.",
        "Engineering manager @ {company}",
        "Product marketing at {company}",
        "Student, aspiring PM",
    ),
    "general": (
        "Runner. Coffee. Dogs.",
        "Nurse | marathoner | tea snob",
        "Dad of two, amateur baker",
        "History buff. Opinions about castles.",
        "Cyclist and heart-rate-zone enthusiast",
        "",
    ),
    "spammer": (
        "",
        "💰 DM for promo 💰",
        "Crypto signals | 100x gems daily",
        "Follow back 100% ✅",
        "Marketing expert 📈",
    ),
}

MASTODON_INSTANCES = (
    "mastodon.social",
    "hachyderm.io",
    "fosstodon.org",
    "mstdn.social",
    "indieweb.social",
)

# ------------------------------------------------------------------------------------------------
# Acme Pulse feedback, by gold theme id. Product placeholder {p}; competitor {comp}.

BUG_THEMES: dict[str, tuple[str, ...]] = {
    "dashboard_slow": (
        "{p} dashboards taking {n}+ seconds to load this morning {emoji}",
        "Is it just me or is {p} crawling today? Dashboard load times are brutal",
        "{p} spinner of death again. {n}s to render a simple line chart",
        "Our main {p} dashboard times out when I pick 'last 90 days'. Smaller ranges work.",
        "Anyone else seeing slow dashboards in {p}? Every widget loads one at a time",
        "@acmepulse dashboards are painfully slow for us since the weekend",
    ),
    "slack_alerts_dup": (
        "{p} Slack alerts are firing twice for every threshold {emoji}",
        "Getting duplicate Slack notifications from {p} again. Muting the channel for now",
        "Every {p} alert shows up two or three times in Slack. Bit noisy, folks",
        "Bug: {p} sends the same Slack alert {n} times when a metric crosses the goal",
    ),
    "login_loop": (
        "Stuck in a login loop on {p} with Google sign-in. Cleared cookies, still looping",
        "{p} keeps logging me out every few minutes. Anyone else?",
        "Can't log into {p} from Safari, it just bounces back to the sign-in page",
    ),
    "stripe_sync_lag": (
        "{p} Stripe sync is {n} hours behind, so our MRR chart is stale",
        "Revenue numbers in {p} don't match Stripe today. Sync seems stuck since last night",
        "Is the {p} Stripe integration down? New subscriptions aren't showing up",
    ),
    "timezone_buckets": (
        "{p} daily charts ignore our timezone setting, every bucket is shifted by a day",
        "Weird one: signups in {p} land on the wrong day for anyone in Asia/Tokyo",
        "Bug in {p}: weekly cohorts start on Sunday UTC even though we set Monday + Berlin time",
    ),
}
COMPETITOR_BUG_THEMES: dict[str, tuple[str, ...]] = {
    "competitor_outage": (
        "{comp} has been down for an hour. Status page says all green, of course {emoji}",
        "{comp} dashboards not loading for anyone else?",
        "Second {comp} outage this month. Starting to look at alternatives",
    ),
}

FEATURE_THEMES: dict[str, tuple[str, ...]] = {
    "dark_mode": (
        "Would love a dark mode in {p}. My eyes at 11pm say thanks in advance",
        "{p} feature request: dark mode please {emoji}",
        "Dear @acmepulse, dark theme when? Asking for every engineer on my team",
    ),
    "sso_starter": (
        "Please put SSO on the {p} starter plan. We're 8 people, not an enterprise",
        "SAML SSO is the one thing keeping us from rolling {p} out company-wide",
        "Wish {p} offered Okta login below the enterprise tier",
    ),
    "chart_annotations": (
        "Feature idea for {p}: let me annotate charts with release dates so I can see what "
        "moved the needle",
        "Really want release markers on {p} charts. Right now I keep a separate doc of launch "
        "dates",
        "{p} needs chart annotations. 'What happened on the 14th?' is asked every week here",
    ),
    "hubspot_integration": (
        "Any plans for a HubSpot integration in {p}? We'd pay for it",
        "If {p} synced with HubSpot deals I could kill two dashboards",
        "+1 for a native HubSpot connector in {p}",
    ),
    "sql_editor": (
        "Would be great if {p} had a SQL editor for the odd custom query",
        "{p} is perfect until I need one custom metric. A raw SQL mode would fix that",
    ),
    "mobile_app": (
        "Is a {p} mobile app on the roadmap? Checking MRR from my phone is clunky",
        "I'd use a {p} iOS widget every single morning",
    ),
}

PRAISE_THEMES: dict[str, tuple[str, ...]] = {
    "easy_onboarding": (
        "Set up {p} in about {n} minutes and already found a leak in our signup flow {emoji}",
        "Onboarding in {p} is so smooth. Connected Stripe and Segment before my coffee got cold",
        "Honestly the easiest analytics setup I've done. {p} just works",
        "We switched to {p} last month and the whole team actually opens the dashboard now",
    ),
    "funnels": (
        "The funnel builder in {p} is ridiculously good. Found our onboarding drop-off in minutes",
        "{p} funnels > every spreadsheet I've made in the last 3 years",
        "Shoutout to @acmepulse — funnel breakdowns by plan saved our pricing review {emoji}",
    ),
    "fast_support": (
        "{p} support replied in {n} minutes on a Sunday. Who does that?",
        "Huge thanks to the {p} team for jumping on a call to fix our tracking setup",
        "Support at {p} is genuinely great. Real humans who know the product",
    ),
    "fair_pricing": (
        "{p} pricing is refreshingly sane for a small team",
        "Moved from {comp} to {p} and cut our analytics bill in half {emoji}",
    ),
    "retention_cohorts": (
        "Retention cohorts in {p} finally made our churn problem visible. Painful but useful",
        "{p}'s cohort view is the chart I show in every board meeting now",
    ),
}
COMPETITOR_PRAISE: tuple[str, ...] = (
    "Have to say the new {comp} report builder is slick",
    "{comp} support was great today, props to them",
    "We've been on {comp} for 2 years, no complaints really",
)

COMPLAINT_THEMES: dict[str, tuple[str, ...]] = {
    "price_increase": (
        "{p} just raised prices {n}% with two weeks notice. Not cool {emoji}",
        "Love the product, hate the new {p} pricing. Seat-based pricing for viewers is a cash grab",
        "The {p} price bump is going to make us reconsider at renewal",
    ),
    "missing_integrations": (
        "{p} still doesn't integrate with Paddle. It's 2026, come on",
        "Frustrating that {p} has no BigQuery connector yet",
    ),
    "support_slow": (
        "Waiting {n} days for a reply from {p} support. Starting to feel ignored",
        "{p} support used to be fast. Now it's canned answers and ticket ping-pong",
    ),
}
COMPETITOR_COMPLAINTS: dict[str, tuple[str, ...]] = {
    "competitor_pricing": (
        "{comp} wants $900/month for our 5-person team. Lol no",
        "{comp} renewal quote came in 40% higher. Time to shop around {emoji}",
        "Why is {comp} priced like we're a Fortune 500?",
    ),
    "competitor_complexity": (
        "Spent the whole afternoon trying to build a simple funnel in {comp}. Why is it so "
        "complicated?",
        "{comp} has every feature and none of them are easy to find",
        "Our PMs gave up on {comp}, too many knobs. Back to spreadsheets",
    ),
}

QUESTIONS: tuple[str, ...] = (
    "How do I share a {p} dashboard with someone outside our workspace?",
    "Is there a way to filter {p} funnels by signup country?",
    "Quick {p} question: can goals be set per team, or only workspace-wide?",
    "Does {p} count trial users as active? Our numbers look high",
    "Anyone know how to connect {p} to a self-hosted Postgres?",
    "What's the best way to track feature adoption in {p}? Events or properties?",
    "Can {p} send a weekly summary by email instead of Slack?",
    "How do you all structure dashboards in {p}? Ours is a mess of 40 charts",
)

LEADS: dict[str, tuple[str, ...]] = {
    "tool_recommendation": (
        "Any recommendations for a lightweight analytics tool? Small SaaS, 3 engineers, no "
        "data team",
        "Looking for a simple product analytics tool for a B2B SaaS. What are you using?",
        "We've outgrown spreadsheets for our metrics. What's a good dashboard tool for a small "
        "team?",
        "Ask: what's the least painful way to get MRR, churn and activation in one place?",
        "Founders: what do you use for product analytics when you can't afford a data person?",
    ),
    "comparison": (
        "Is {p} worth it vs Chartwell? Mostly need funnels and retention",
        "{p} or Brightmetrics for a 10-person startup? Pros/cons appreciated",
        "Anyone switched from Chartwell to {p}? Was it worth it?",
        "Trying to decide between {p}, Brightmetrics and Chartwell. Which one would you pick "
        "for a seed-stage SaaS?",
        "Thinking about {p} for our team. Anything I should know before signing up?",
    ),
}

# ------------------------------------------------------------------------------------------------
# Product management talk (experts and peers).

TOPICS: tuple[str, ...] = (
    "product discovery",
    "roadmaps",
    "prioritization",
    "OKRs",
    "user interviews",
    "north star metrics",
    "activation",
    "retention",
    "pricing",
    "stakeholder management",
    "writing PRDs",
    "saying no",
    "AI features",
    "product analytics",
    "experimentation",
    "onboarding",
)
TAKES: tuple[str, ...] = (
    "a roadmap is a list of bets, not a list of promises",
    "if you can't name the metric a feature should move, you're not ready to build it",
    "talk to five customers this week. Not a survey. Five conversations",
    "most prioritization frameworks are a way to avoid making a decision",
    "your activation metric should predict retention, otherwise it's a vanity metric",
    "the best PRD is the one your engineers actually read. Keep it to one page",
    "say no to the feature, yes to the problem behind it",
    "dashboards nobody looks at are worse than no dashboards",
    "pricing is a product decision, not a finance decision",
    "discovery is not a phase, it's a habit",
    "if every quarter has 9 OKRs, you have zero OKRs",
    "shipping fast only matters if you also measure what happened",
    "AI features need the same discovery as everything else. Maybe more",
    "stakeholders don't want updates, they want to not be surprised",
    "a/b tests on tiny traffic mostly measure noise",
    "write down what you expect before you look at the data",
    "the first 10 minutes of onboarding decide most of your retention curve",
    "your backlog is not a strategy",
)
EXPERT_FORMS: tuple[str, ...] = (
    "{take}.",
    "Hot take: {take}.",
    "Reminder for every PM: {take}.",
    "Unpopular opinion: {take}. #prodmgmt",
    "After 15 years in product I'm more convinced than ever: {take}.",
    "One thing I keep telling teams I coach: {take}.",
    "Thread 🧵 on {topic}. First: {take}.",
    "New issue of the newsletter is out, this week on {topic}. tl;dr {take}. {link}",
    "Teams that get {topic} right have one thing in common: {take}.",
    "{take}. Change my mind. #productmanagement",
)
PEER_FORMS: tuple[str, ...] = (
    "How do you all handle {topic} on a small team? Feels like I'm reinventing it every quarter",
    "Spent the week on {topic}. Exhausting but the team is aligned now",
    "PMs: what's your favorite resource on {topic}? Need to level up",
    "Ran our first proper round of user interviews this week. {n} calls, 3 surprises, 1 "
    "roadmap change",
    "Today's PM life: 6 meetings, 0 hours of focus time, 1 great customer call {emoji}",
    "Rewrote our PRD template down to one page. Engineers actually commented on it this time",
    "Finally got leadership to agree on one north star metric. Took 3 months",
    "Our quarterly planning produced 14 priorities. Send help #prodmgmt",
    "Hiring a PM at {company}, DMs open if you love {topic}",
    "Took over a product with no analytics at all. Where would you start?",
    "Small win: our activation rate went from {n}% to {n2}% after fixing onboarding step 2",
    "As @{x} keeps saying, {take}. Learned that the hard way this sprint",
    "Reading @{x} on {topic} and feeling very seen",
)
PEER_REPLIES: tuple[str, ...] = (
    "This. We learned it the hard way last year.",
    "100%. Saving this for our next planning session.",
    "Agree, though it's harder in enterprise where sales sets half the roadmap.",
    "Curious how this works with a team of 2 engineers?",
    "Counterpoint: sometimes the dashboard is the conversation starter.",
    "Needed to read this today, thank you.",
    "We tried exactly this and it worked better than expected.",
    "Any examples of teams doing this well?",
    "Strong agree on {topic}. The hard part is getting buy-in.",
    "Great point. Would love a longer write-up on this.",
)
EXPERT_REPLIES: tuple[str, ...] = (
    "Start smaller than you think: one metric, one team, one quarter.",
    "Good question. I'd separate the decision from the framework first.",
    "The trick is making it visible. Put it at the top of every review.",
    "Exactly, and write down the expected outcome before you ship.",
    "Enterprise is harder, agreed. Still worth doing for one product area.",
    "I covered this in a past issue, happy to dig it up.",
)
QUOTE_FORMS: tuple[str, ...] = (
    "Every PM should read this",
    "Strongly agree with this one",
    "Not sure I agree, but worth the debate",
    "This is the best advice on {topic} I've seen this month",
    "Bookmarking this",
)

# ------------------------------------------------------------------------------------------------
# Articles shared through short links. (canonical URL, title, topic)

ARTICLES: tuple[tuple[str, str, str], ...] = (
    (
        "https://roadmapweekly.com/p/roadmaps-are-bets",
        "Roadmaps Are Bets, Not Promises",
        "roadmaps",
    ),
    (
        "https://www.discoverydispatch.io/articles/five-interviews-a-week",
        "Five Interviews a Week",
        "user interviews",
    ),
    (
        "https://outcomenotes.substack.com/p/activation-metrics-that-predict-retention",
        "Activation Metrics That Actually Predict Retention",
        "activation",
    ),
    ("https://buildmeasureship.dev/posts/one-page-prd", "The One-Page PRD", "writing PRDs"),
    (
        "https://thepmbrief.com/2026/10/pricing-is-product",
        "Pricing Is a Product Decision",
        "pricing",
    ),
    (
        "https://blog.tidewave.io/engineering/how-we-picked-our-north-star",
        "How We Picked Our North Star Metric",
        "north star metrics",
    ),
    (
        "https://www.quillstack.com/blog/saying-no-to-customers",
        "Saying No to Customers Without Losing Them",
        "saying no",
    ),
    (
        "https://medium.com/@lenaberg/okrs-for-teams-of-five-3f9a2c",
        "OKRs for Teams of Five",
        "OKRs",
    ),
    (
        "https://outcomenotes.substack.com/p/ai-features-need-discovery-too",
        "AI Features Need Discovery Too",
        "AI features",
    ),
    (
        "https://roadmapweekly.com/p/small-traffic-experiments",
        "Experimenting With Small Traffic",
        "experimentation",
    ),
    (
        "https://www.discoverydispatch.io/articles/dashboards-nobody-reads",
        "Dashboards Nobody Reads",
        "product analytics",
    ),
    (
        "https://thepmbrief.com/2026/11/stakeholder-updates",
        "Stakeholders Hate Surprises",
        "stakeholder management",
    ),
    (
        "https://blog.fernbank.dev/onboarding-first-ten-minutes",
        "The First Ten Minutes of Onboarding",
        "onboarding",
    ),
    (
        "https://buildmeasureship.dev/posts/retention-curves-explained",
        "Retention Curves, Explained",
        "retention",
    ),
    (
        "https://www.orbitly.com/resources/saas-metrics-cheat-sheet",
        "The SaaS Metrics Cheat Sheet",
        "product analytics",
    ),
    (
        "https://blog.acmepulse.io/guides/choosing-an-analytics-tool",
        "How to Choose an Analytics Tool for a Small Team",
        "product analytics",
    ),
    (
        "https://medium.com/@kofiosei/prioritization-is-a-decision-7b1e0d",
        "Prioritization Is a Decision, Not a Spreadsheet",
        "prioritization",
    ),
    (
        "https://thepmbrief.com/2026/09/backlog-is-not-strategy",
        "Your Backlog Is Not a Strategy",
        "roadmaps",
    ),
)
ARTICLE_SHARE_FORMS: tuple[str, ...] = (
    "{title} — worth a read {link}",
    "Great piece on {topic}: {link}",
    "This is the best thing I've read on {topic} in a while {link}",
    '"{title}" should be required reading for new PMs {link}',
    "Sharing with my team: {title} {link}",
    "Good reminder on {topic} {link} #prodmgmt",
    "{link} {title}",
    "Reading this over coffee: {title} {link} {emoji}",
)

# ------------------------------------------------------------------------------------------------
# Conference live posts.

CONFERENCE_FORMS: tuple[str, ...] = (
    "Packed room for @{x}'s talk on {topic} at {tag}",
    "Key takeaway from {tag} day {day}: {take}",
    '@{x} on stage: "{take}" {tag}',
    "Who else is at {tag}? Would love to meet PMs working on {topic}",
    "Coffee line at {tag} is the real networking event ☕",
    "Best session so far at {tag}: {topic} done right. Notes coming later",
    "Workshop on {topic} at {tag} was hands-on and great. Thanks @{x}",
    "Day {day} of {tag} done. Brain full {emoji}",
    "Live from {tag}: the panel on {topic} is getting spicy",
    "Slides from the {topic} talk at {tag}: {link}",
)
CONFERENCE_BEFORE: tuple[str, ...] = (
    "Headed to {tag} next week! Who's going?",
    "Excited to see @{x} speak at {tag} on {topic}",
)
CONFERENCE_AFTER: tuple[str, ...] = (
    "My {tag} recap: {topic}, {topic2}, and lots of hallway conversations",
    "Still processing everything from {tag}. The {topic} talks were the highlight",
)

# ------------------------------------------------------------------------------------------------
# The PM's own posts (acme_pm) and the official account.

OWN_PROMO: tuple[str, ...] = (
    "We just shipped goal tracking in Acme Pulse 🎉 Set a target, get a Slack ping when you hit it",
    "New in Acme Pulse: retention cohorts by plan. Small teams deserve good analytics too",
    "If you run a small SaaS and live in spreadsheets, give Acme Pulse a try, 14-day trial, no "
    "card",
    "Acme Pulse now connects to Paddle in two clicks",
    "Wrote up how we think about analytics for 5-person teams: {link}",
    "Customer story: how {startup} found their onboarding leak with Acme Pulse {link}",
    "Office hours tomorrow: bring your messiest dashboard and we'll fix it live #acmepulse",
)
OWN_CONFERENCE: tuple[str, ...] = (
    "Come say hi at the Acme booth at {tag}, we're demoing Acme Pulse all day",
    "Doing live dashboard teardowns at {tag} booth 14 today. Bring your metrics!",
)
OWN_HELPFUL_REPLIES: tuple[str, ...] = (
    "Thanks for flagging! Could you DM me your workspace name? We'll take a look right away.",
    "Sorry about that, we're on it. I'll follow up here once it's fixed.",
    "Great question! Settings → Sharing → Public link does it. Happy to help if you get stuck.",
    "You can filter by country in the funnel breakdown menu, top right of the chart.",
    "Appreciate the feedback, passing it to the team. Mind if I ask what you'd use it for?",
    "Happy to share how other small teams use it, DMs open. No sales pitch, promise.",
    "Good call. It's on our list, and your use case helps us prioritize.",
)
OWN_HELPFUL_ROOT: tuple[str, ...] = (
    "Tip for small teams: pick one activation metric and review it weekly. Tool doesn't matter "
    "as much as the habit",
    "Free template: our weekly metrics review agenda, 20 minutes, 4 questions {link}",
    "PMs, what's the one metric you look at every Monday? Collecting answers for a write-up",
)
OWN_PLANTED_REPLIES: tuple[str, ...] = (
    "Thanks for reporting, we can reproduce the empty CSV export on 4.2 and are working on a fix.",
    "We're on it: CSV export in 4.2 returns empty files for some workspaces. Update soon.",
)
RELEASE_ANNOUNCEMENT = (
    "Acme Pulse 4.2 is out 🚀 New chart builder, faster dashboards and a "
    "cleaner sidebar. Release notes: {link}"
)

# ------------------------------------------------------------------------------------------------
# The planted emerging problem (theme "csv_export_empty"): only in the last three days.

PLANTED: tuple[str, ...] = (
    "Since the {p} 4.2 update, CSV export gives me an empty file. Anyone else?",
    "@acmepulse CSV exports are broken after v4.2 — the file downloads but it's 0 bytes",
    "Exporting a report to CSV from {p} just produces a blank file now. Was working last week",
    "{p} v4.2: export to CSV gives an empty .csv with only headers. Weekly board report is "
    "blocked {emoji}",
    "Hey {p}, the CSV export button spins and then downloads an empty file. Chrome and Firefox "
    "both",
    "Anyone found a workaround for the empty CSV export in {p} 4.2?",
    "csv export in pulse is busted since the release. headers only, no rows",
    "Upgraded to 4.2 and now every CSV I export from {p} is empty 🙃",
    "Export fails silently in {p}: 'Export complete' toast, but the file has zero rows",
    "PSA for {p} users: CSV export returns empty files on 4.2, don't rely on it for month-end",
    "Our finance team can't get numbers out of {p} anymore, CSV export comes back empty after "
    "the update",
    "Filed a ticket: {p} CSV export produces 0 KB files since v4.2",
    "{p} 4.2 broke CSV exports for us. Scheduled exports arrive as empty attachments",
    "Tried exporting the funnel table as CSV from {p}, got an empty file. Same for cohorts",
    "Day 2 of {p} CSV exports being empty. This is blocking our investor update",
    "Is CSV export down in {p}? I get a file with no data in it",
    "The {p} export is empty for any date range longer than a week. Started with 4.2",
    "Confirming the {p} 4.2 CSV bug: exported file is empty, API still returns data fine",
)
PLANTED_REPLIES: tuple[str, ...] = (
    "Same here, empty CSV since 4.2",
    "+1, exports are blank for us too",
    "Seeing this as well. Headers only",
    "Same. Our scheduled CSV export was empty this morning",
    "Glad it's not just me, the export has been empty since the update",
)

# ------------------------------------------------------------------------------------------------
# Spam and off-topic (ambiguous "pulse", "Acme", "Chartwell").

SPAM: tuple[str, ...] = (
    "🚀 Earn $5000 daily with our crypto signals 👉 {link} #acmepulse #SaaS",
    "Top 10 analytics tools of 2026 (number 7 will shock you) {link}",
    "Get 10K real followers in 24h!!! {link}",
    "Free giveaway 🎁 retweet + follow to win 1 ETH {link} #crypto",
    "Best product analytics tools, honest review {link} {link2}",
    "💸 Passive income for founders, DM me or click {link}",
    "Work from home, earn $$$ with AI trading bot {link} #ProductCon26",
)
SPAM_DOMAINS: tuple[str, ...] = (
    "https://cryptogainz-signals.io/join?ref={n}",
    "https://top-analytics-tools-2026.info/list?aff={n}",
    "https://cheap-followers.shop/buy?pkg={n}",
    "https://eth-giveaway-now.xyz/claim?id={n}",
)

OFFTOPIC: tuple[tuple[str, str], ...] = (
    ("Resting pulse down to 52 after three months of running {emoji}", "positive"),
    ("My pulse went through the roof on that last hill", "neutral"),
    ("Quick pulse check with the team before the retro: everyone's tired", "neutral"),
    ("Bought a pulse oximeter for the hiking trip, works great", "positive"),
    ("The pulse of the city on a Friday night is something else", "positive"),
    ("Heart pulse at 140 just from watching the match 😅", "neutral"),
    ("Wile E. Coyote really needs to stop ordering from Acme", "neutral"),
    ("ACME hardware store on 5th street closed down, sad", "negative"),
    ("Visited Chartwell today, Churchill's house in Kent is gorgeous", "positive"),
    ("Chartwell gardens in autumn are worth the trip", "positive"),
    ("Our weekly employee pulse survey went out, 12 questions this time", "neutral"),
    ("Pulse-pounding final quarter, what a game", "positive"),
)

# ------------------------------------------------------------------------------------------------
# Non-English templates by language and kind. {p} and {comp} as above.

I18N: dict[str, dict[str, tuple[str, ...]]] = {
    "es": {
        "bug": (
            "{p} lleva toda la mañana sin cargar los dashboards 😤",
            "¿Alguien más recibe las alertas de Slack de {p} duplicadas?",
        ),
        "praise": (
            "Llevamos tres meses con {p} y el equipo por fin mira las métricas cada semana 🙌",
            "Los embudos de {p} son facilísimos de montar, recomendado",
        ),
        "feature_request": (
            "Ojalá {p} tuviera modo oscuro",
            "¿Para cuándo SSO en el plan básico de {p}?",
        ),
        "complaint": ("{comp} ha vuelto a subir el precio. Buscando alternativas",),
        "question": ("¿Cómo comparto un dashboard de {p} con alguien de fuera del equipo?",),
        "lead": (
            "¿Alguna recomendación de herramienta de analítica ligera para un SaaS pequeño?",
            "¿Vale la pena {p} frente a Chartwell?",
        ),
        "peer": (
            "Hoy tocó priorizar el roadmap del trimestre con todo el equipo. Agotador pero útil",
            "Las entrevistas con usuarios siguen siendo lo más valioso de mi semana como PM",
        ),
        "planted_issue": (
            "Desde la actualización 4.2 de {p}, exportar a CSV me da un archivo vacío",
            "¿A alguien más le sale vacía la exportación CSV de {p} desde la 4.2?",
        ),
        "offtopic": ("Pulso a 150 después de subir las escaleras 😅",),
    },
    "de": {
        "bug": (
            "{p} Dashboards laden heute ewig. Jemand anders auch?",
            "Unsere Stripe-Daten in {p} hängen seit gestern Abend hinterher",
        ),
        "praise": (
            "{p} in 10 Minuten eingerichtet, und das Team schaut endlich auf die Zahlen 👍",
            "Die Kohortenansicht in {p} ist wirklich gut gemacht",
        ),
        "feature_request": (
            "Bitte einen Dark Mode für {p}!",
            "Eine HubSpot-Integration in {p} wäre super",
        ),
        "complaint": ("{comp} ist für ein kleines Team einfach zu teuer",),
        "question": ("Kann man in {p} Ziele pro Team setzen?",),
        "lead": (
            "Welches schlanke Analytics-Tool nutzt ihr für ein kleines SaaS?",
            "Lohnt sich {p} im Vergleich zu Brightmetrics?",
        ),
        "peer": (
            "Quartalsplanung überstanden. 14 Prioritäten sind keine Prioritäten",
            "Als PM ist das beste Meeting der Woche immer noch das Kundengespräch",
        ),
        "planted_issue": (
            "Seit dem Update auf 4.2 exportiert {p} nur noch leere CSV-Dateien",
            "CSV-Export in {p} liefert seit 4.2 eine leere Datei. Bekanntes Problem?",
        ),
        "offtopic": ("Puls bei 160 nach dem Intervalltraining",),
    },
    "fr": {
        "bug": (
            "Les tableaux de bord {p} mettent une éternité à charger ce matin",
            "Les alertes Slack de {p} arrivent en double depuis hier",
        ),
        "praise": (
            "{p} est vraiment simple à prendre en main, bravo à l'équipe",
            "Les entonnoirs de {p} nous ont fait gagner un temps fou",
        ),
        "feature_request": (
            "Un mode sombre dans {p}, ce serait top",
            "Vivement le SSO sur l'offre de base de {p}",
        ),
        "complaint": ("{comp} a encore augmenté ses prix, on regarde ailleurs",),
        "question": ("Comment filtrer un entonnoir {p} par pays ?",),
        "lead": (
            "Des recommandations pour un outil d'analytics léger pour une petite équipe SaaS ?",
            "{p} ou Chartwell pour une startup de 8 personnes ?",
        ),
        "peer": (
            "Une semaine d'entretiens utilisateurs et trois surprises. Le métier de PM en résumé",
            "Réécrit notre template de PRD en une page. Enfin lu par les devs",
        ),
        "planted_issue": (
            "Depuis la 4.2, l'export CSV de {p} donne un fichier vide",
            "Export CSV vide dans {p} depuis la mise à jour, quelqu'un a une solution ?",
        ),
        "offtopic": ("Le pouls de la ville un vendredi soir, rien de tel",),
    },
    "pt": {
        "bug": (
            "Os dashboards do {p} estão lentos demais hoje",
            "Alguém mais com alertas duplicados do {p} no Slack?",
        ),
        "praise": (
            "Configurei o {p} em poucos minutos, muito bom",
            "O suporte do {p} respondeu em 5 minutos 👏",
        ),
        "feature_request": (
            "Seria ótimo ter modo escuro no {p}",
            "Uma integração com HubSpot no {p}, por favor",
        ),
        "complaint": ("{comp} ficou caro demais para time pequeno",),
        "question": ("Como compartilho um dashboard do {p} com um cliente?",),
        "lead": (
            "Alguma recomendação de ferramenta de analytics leve para um SaaS pequeno?",
            "Vale a pena o {p} comparado ao Chartwell?",
        ),
        "peer": (
            "Planejamento trimestral concluído. Agora é priorizar de verdade",
            "Entrevistas com usuários continuam sendo a melhor parte do meu trabalho como PM",
        ),
        "planted_issue": (
            "Desde a versão 4.2 o export CSV do {p} vem vazio",
            "Exportar CSV no {p} gera arquivo vazio desde a atualização",
        ),
        "offtopic": ("Pulso a mil depois desse jogo",),
    },
}

EMOJIS: tuple[str, ...] = ("", "", "", "🙏", "😩", "🔥", "👀", "🙌", "😅", "🤔", "💯")
SUBREDDITS: dict[str, tuple[str, ...]] = {
    "feedback": ("SaaS", "analytics", "startups"),
    "lead": ("SaaS", "startups", "analytics", "Entrepreneur"),
    "pm": ("ProductManagement", "prodmgmt"),
    "spam": ("SaaS", "Entrepreneur"),
    "offtopic": ("running", "AskDocs", "history"),
    "article": ("ProductManagement", "SaaS"),
}
