"""What every plugin app shares and none owns: export safety, the audit log, organisation data
versions and the page cache built on them, two-step verification, login lockout and password
reset, the client's address. Below ``people`` in the import contracts: nothing here imports a
plugin app (the organisations' model registers itself where this layer needs one)."""
