"""`make bench`: server time and SQL query counts of the main pages, at Sefton's size and at 100
times it. Run with `python -m bench`; see bench/__main__.py."""
