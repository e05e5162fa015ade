# Shown when a member's share or partner post waits for an editor: held because it is one of
# their first, or because it carries links (services/moderation.py decides which).
HELD_FOR_REVIEW = (
    "Thank you! As it is one of your first posts, or has several links, an editor will look at "
    "it before it appears (usually within a day)."
)
