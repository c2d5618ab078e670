"""What funders receive: counts coarsened and, where that is not enough, hidden, so that no count
from 1 to 10 can be seen or worked out.

`rules` says how a count is shown to a funder; `audit` finds, by linear programming, the counts that
must also be hidden; `release` builds everything a funder's pages and the CLI's `--funder` reports
give, for a program, from one function.
"""
