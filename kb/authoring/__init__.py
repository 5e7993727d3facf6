"""Authoring in the browser: accounts, drafts, review and publishing as git commits (no Flask here).

Above kb.content and kb.publish, below kb.web. The pieces:

- `database`: the SQLite file under KB_DATA_DIR that holds accounts, API tokens and draft metadata (never
  the content repository: it only ever holds published write-ups and their history).
- `accounts`: users with a role (author < reviewer < admin), argon2 password hashes, API tokens.
- `writeup`: a write-up as data (front matter + body) <-> the file text, written with a YAML emitter and
  read back to prove the data survived (never YAML by string concatenation).
- `form`: the schema table (kb/content/schema.py) as form fields, and a submitted form back to data.
- `checks`: a draft checked by the same code as `python3 run.py check`.
- `fielddiff`: two versions compared field by field (labels, a word diff for the body).
- `gitstore`: the content repository (pygit2): draft branches, publish commits, history, push and pull.
- `drafts`: the workflow (create, save, submit, reject, comment, publish) and who may do what.
- `replica`: following a remote (`python3 run.py sync --pull`) and making a content repository.
"""
