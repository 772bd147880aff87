//! wippy-lua: Wippy processes as isolated Lua 5.4 VMs; filled in by its own issue.
