"""The words a parse cannot know: which verbs report speech, which words are titles, which
nouns name an organisation. Everything else attribution needs comes from spaCy's parse.
"""

from __future__ import annotations

# Lemmas of verbs that report what someone said, wrote or claimed.
SPEECH_VERBS = frozenset("""
say tell add state claim allege argue contend assert insist maintain note remark explain
announce declare reveal disclose suggest write tweet post reply respond answer retort
counter complain lament stress emphasise emphasize underline underscore reiterate repeat recall
testify affirm concede conclude mention hint signal imply speculate reason plead boast quip
joke clarify recount predict estimate caution warn urge deny dispute reject confirm
acknowledge admit accuse blame criticise criticize condemn welcome praise hail assure promise
pledge vow threaten demand propose recommend apologise apologize defend refute rebut dismiss
inform brief remind ask question wonder report observe find indicate forecast describe call
comment
believe think expect agree rule
""".split())

# Verbs that attribute only a quotation right beside them ("...," the statement continued).
QUOTE_ONLY = frozenset("continue read go begin end finish".split())

# Verbs that cite a document or survey as much as a person ("the survey found that ...");
# they report speech only with a clause, never with a bare object.
CLAUSE_ONLY = frozenset("add rule find report indicate believe think expect agree call ask "
                        "question wonder".split())

# Words before a name that are not part of it ("Mr. Lopez", "Dr Feld"), lower case, no dot.
HONORIFICS = frozenset("mr mrs ms miss dr prof rev".split())
# Titles of rank that British usage keeps as part of the name ("Sir Alex Ferguson", "Lord
# Greaves", "Lady Hale"), unlike "Mr" or "Dr".
RANKS = frozenset("sir dame lord lady baroness baron".split())
TITLES = HONORIFICS | frozenset("""
professor father sister sen senator rep representative gov governor pres president mayor judge justice
gen general col colonel capt captain lt sgt sergeant officer det detective chief
minister chancellor secretary chairman chairwoman chair commissioner inspector
superintendent director spokesman spokeswoman spokesperson mp mla
""".split())

# Nouns that, with "the", point back to an organisation the story named
# ("the company said" after "Acme Corp announced"). Earned on the train set (0.65 -> see
# docs/attribution.md); the list is of general English nouns, not of any article.
ORG_NOUNS = frozenset("""
company firm group ministry department agency bank lender utility union council
authority board label corporation business organisation organization office commission
committee court party service association institute charity club team network maker retailer
carrier airline subsidiary operator regulator watchdog administration campaign foundation
studio publisher broadcaster outlet channel newspaper paper embassy unit arm owner parent
affiliate
""".split())
