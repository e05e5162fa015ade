"""No tables of its own: a plan is six numbers in the URL, and a member's saved plan lives on
their goal (community.Goal.plan, loaded with the goal at no extra query); see services.py."""
